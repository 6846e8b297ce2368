import type { ContentFilterResults, PromptFilterResult } from "./types.js";

/**
 * Put in the last user message, it makes the mock refuse the prompt (400 `content_filter`).
 *
 * @example
 * ```ts
 * await model.invoke(`${PROMPT_FILTER_MARKER} anything`); // rejects: the prompt was filtered
 * ```
 */
export const PROMPT_FILTER_MARKER = "[[content-filter]]";

/**
 * Put in the last user message, it makes the reply end with `finish_reason: "content_filter"`.
 *
 * @example
 * ```ts
 * const message = await model.invoke(`${OUTPUT_FILTER_MARKER} anything`);
 * message.response_metadata.finish_reason; // "content_filter"
 * ```
 */
export const OUTPUT_FILTER_MARKER = "[[content-filter:output]]";

const safe = { filtered: false, severity: "safe" } as const;
const notDetected = { filtered: false, detected: false } as const;

/** What Azure reports on a prompt that passed its filters. */
export const passedPromptFilter: ContentFilterResults = {
  hate: safe,
  jailbreak: notDetected,
  self_harm: safe,
  sexual: safe,
  violence: safe,
};

/** What Azure reports on a completion that passed its filters. */
export const passedCompletionFilter: ContentFilterResults = {
  hate: safe,
  protected_material_code: notDetected,
  protected_material_text: notDetected,
  self_harm: safe,
  sexual: safe,
  violence: safe,
};

/** What the mock reports on a completion its output marker stopped. */
export const blockedCompletionFilter: ContentFilterResults = {
  ...passedCompletionFilter,
  violence: { filtered: true, severity: "medium" },
};

/** `prompt_filter_results` for a request whose prompt passed. */
export const passedPromptFilterResults = (): PromptFilterResult[] => [
  { prompt_index: 0, content_filter_results: passedPromptFilter },
];

/**
 * The body Azure answers a filtered prompt with (HTTP 400).
 *
 * @example
 * ```ts
 * const body: ContentFilterErrorBody = contentFilterErrorBody();
 * body.error.innererror.code; // "ResponsibleAIPolicyViolation"
 * ```
 */
export interface ContentFilterErrorBody {
  readonly error: {
    readonly message: string;
    readonly type: null;
    readonly param: "prompt";
    readonly code: "content_filter";
    readonly status: 400;
    readonly innererror: {
      readonly code: "ResponsibleAIPolicyViolation";
      readonly content_filter_result: ContentFilterResults;
    };
  };
}

/**
 * The 400 body Azure sends when its filter blocks a prompt, for the server to answer a request
 * for which {@link promptTriggersContentFilter} is true.
 *
 * @example
 * ```ts
 * if (promptTriggersContentFilter(body)) {
 *   response.writeHead(400).end(JSON.stringify(contentFilterErrorBody()));
 * }
 * ```
 */
export function contentFilterErrorBody(): ContentFilterErrorBody {
  return {
    error: {
      message:
        "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry. To learn more about our content filtering policies please read our documentation: https://go.microsoft.com/fwlink/?linkid=2198766",
      type: null,
      param: "prompt",
      code: "content_filter",
      status: 400,
      innererror: {
        code: "ResponsibleAIPolicyViolation",
        content_filter_result: {
          ...passedPromptFilter,
          violence: { filtered: true, severity: "high" },
        },
      },
    },
  };
}
