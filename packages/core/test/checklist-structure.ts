/**
 * A small tokenizer for the generated Bicep and Terraform files, enough to check their
 * structure without the real tools: balanced braces and brackets, closed strings, the top-level
 * blocks with their headers, and the attributes of each block (nested blocks flattened by path).
 */
export interface ScannedBlock {
  /** Header tokens before `{`, strings unquoted: `["resource", "azurerm_role_assignment", "x"]`. */
  readonly header: readonly string[];
  /** Attribute name (dotted for nested blocks) → raw value text. */
  readonly attributes: ReadonlyMap<string, string>;
}

export interface ScanResult {
  readonly blocks: readonly ScannedBlock[];
  /** Top-level `name = value` lines outside blocks (Bicep's targetScope, params, vars). */
  readonly statements: readonly string[];
  /** Every string literal's content. */
  readonly strings: readonly string[];
}

type Language = "bicep" | "hcl";

interface Token {
  readonly kind: "word" | "string" | "punct" | "newline";
  readonly text: string;
}

function tokenize(source: string, language: Language): { tokens: Token[]; strings: string[] } {
  const tokens: Token[] = [];
  const strings: string[] = [];
  const quote = language === "bicep" ? "'" : '"';
  let i = 0;
  while (i < source.length) {
    const char = source[i] as string;
    const next = source[i + 1];
    if (char === "\n") {
      tokens.push({ kind: "newline", text: "\n" });
      i += 1;
    } else if (char === " " || char === "\t" || char === "\r") {
      i += 1;
    } else if ((char === "/" && next === "/") || (language === "hcl" && char === "#")) {
      while (i < source.length && source[i] !== "\n") i += 1;
    } else if (char === "/" && next === "*") {
      const end = source.indexOf("*/", i + 2);
      if (end < 0) throw new Error("unclosed block comment");
      i = end + 2;
    } else if (char === quote) {
      let content = "";
      let depth = 0;
      i += 1;
      for (;;) {
        const c = source[i];
        if (c === undefined || (c === "\n" && depth === 0)) {
          throw new Error(`unclosed string starting ${JSON.stringify(content.slice(0, 40))}`);
        }
        if (c === "\\") {
          content += source.slice(i, i + 2);
          i += 2;
          continue;
        }
        if (c === "$" && source[i + 1] === "{" && source[i - 1] !== "$") depth += 1;
        else if (c === "}" && depth > 0) depth -= 1;
        else if (c === quote && depth === 0) break;
        content += c;
        i += 1;
      }
      i += 1;
      strings.push(content);
      tokens.push({ kind: "string", text: content });
    } else if (/[A-Za-z0-9_@.>=<-]/.test(char) && !"={}[]():,".includes(char)) {
      let word = "";
      while (i < source.length && /[A-Za-z0-9_.@-]/.test(source[i] as string)) {
        word += source[i];
        i += 1;
      }
      if (word === "") {
        tokens.push({ kind: "punct", text: char });
        i += 1;
      } else tokens.push({ kind: "word", text: word });
    } else {
      tokens.push({ kind: "punct", text: char });
      i += 1;
    }
  }
  return { tokens, strings };
}

const pairs: Readonly<Record<string, string>> = { "}": "{", "]": "[", ")": "(" };

/** Scans a Bicep or Terraform file; throws on unbalanced brackets or unclosed strings. */
export function scan(source: string, language: Language): ScanResult {
  const { tokens, strings } = tokenize(source, language);
  const assign = language === "bicep" ? ":" : "=";
  const blocks: ScannedBlock[] = [];
  const statements: string[] = [];
  const stack: string[] = [];
  const path: string[] = [];
  let header: string[] = [];
  let attributes = new Map<string, string>();
  let lineStart = true;
  let pendingName: string | undefined;

  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index] as Token;
    if (token.kind === "newline") {
      lineStart = true;
      if (stack.length === 0 && header.length > 0 && !header.includes("{")) {
        statements.push(header.join(" "));
        header = [];
      }
      continue;
    }
    if (token.kind === "punct" && "{[(".includes(token.text)) {
      if (token.text === "{" && stack.length === 0) {
        attributes = new Map();
        blocks.push({ header: header.filter((t) => t !== "=" && t !== "existing"), attributes });
        header = [];
      } else if (token.text === "{" && stack.every((open) => open === "{")) {
        path.push(pendingName ?? "(block)");
      }
      stack.push(token.text);
      lineStart = false;
      continue;
    }
    if (token.kind === "punct" && "}])".includes(token.text)) {
      const open = stack.pop();
      if (open !== pairs[token.text]) throw new Error(`unbalanced ${token.text} at token ${index}`);
      if (token.text === "}" && stack.length > 0 && stack.every((o) => o === "{")) path.pop();
      continue;
    }
    if (stack.length === 0) {
      header.push(token.text);
      continue;
    }
    if (lineStart && token.kind === "word" && stack.every((open) => open === "{")) {
      pendingName = token.text;
      const following = tokens[index + 1];
      if (following?.text === assign) {
        let value = "";
        for (let j = index + 2; j < tokens.length && tokens[j]?.kind !== "newline"; j++) {
          const part = tokens[j] as Token;
          value += part.kind === "string" ? `"${part.text}"` : part.text;
        }
        attributes.set([...path, token.text].join("."), value);
      }
    }
    lineStart = false;
  }
  if (stack.length > 0) throw new Error(`unclosed ${stack.join("")}`);
  if (header.length > 0) statements.push(header.join(" "));
  return { blocks, statements, strings };
}

/** Finds the block whose header starts with the given tokens. */
export function blockOf(result: ScanResult, ...header: string[]): ScannedBlock | undefined {
  return result.blocks.find((block) => header.every((part, i) => block.header[i] === part));
}
