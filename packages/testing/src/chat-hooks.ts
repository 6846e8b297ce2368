/**
 * What a chat hook sees of one chat completions request that passed every check.
 * @example
 * ```ts
 * mock.onChat((request) => (request.stream ? undefined : { content: "Hi" }));
 * ```
 */
export interface ChatHookRequest {
  /** The parsed JSON body as the client sent it. */
  readonly body: Readonly<Record<string, unknown>>;
  /** Whether the client asked for a stream. */
  readonly stream: boolean;
}

/**
 * Who sent the request and where it went.
 * @example
 * ```ts
 * mock.onChat((_request, context) =>
 *   context.tenantId === tenantA ? { content: "A" } : undefined,
 * );
 * ```
 */
export interface ChatHookContext {
  readonly resource: string;
  readonly deployment: string;
  /** Tenant of the caller's token (undefined when an API key was used). */
  readonly tenantId: string | undefined;
  /** Object id of the caller's service principal (undefined when an API key was used). */
  readonly principalId: string | undefined;
}

/**
 * A hook's answer: assistant text to put in the reply (JSON or streamed), or a whole HTTP answer
 * (status, JSON body, headers) sent instead of a reply.
 * @example
 * ```ts
 * mock.scriptChatReplies([
 *   { content: "first" },
 *   { status: 500, body: { error: { code: "500" } } },
 * ]);
 * ```
 */
export type ChatHookReply =
  | { readonly content: string }
  | {
      readonly status: number;
      readonly body: unknown;
      readonly headers?: Readonly<Record<string, string>>;
    };

/**
 * A per-test chat hook; returning `undefined` lets the next hook, then the reply engine, answer.
 * @example
 * ```ts
 * const removeHook = mock.onChat(() => ({ content: "Sunny." }));
 * ```
 */
export type ChatHook = (
  request: ChatHookRequest,
  context: ChatHookContext,
) => ChatHookReply | undefined;
