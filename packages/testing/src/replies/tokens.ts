/**
 * The mock's token rule: a token is one whitespace-separated word. Real tokenizers differ by
 * model; the mock only needs counts that a test can predict by reading the text.
 */

const WORD = /\S+/g;

/** Number of tokens (whitespace-separated words) in `text`. */
export function countTokens(text: string): number {
  return text.match(WORD)?.length ?? 0;
}

/** `text` cut right after its `maxTokens`-th word, and whether anything was cut. */
export function truncateToTokens(
  text: string,
  maxTokens: number,
): { readonly text: string; readonly truncated: boolean } {
  let seen = 0;
  for (const match of text.matchAll(WORD)) {
    seen += 1;
    if (seen === maxTokens) {
      const end = match.index + match[0].length;
      return { text: text.slice(0, end), truncated: end < text.trimEnd().length };
    }
  }
  if (maxTokens === 0) return { text: "", truncated: text.trim() !== "" };
  return { text, truncated: false };
}

/** `text` cut before the earliest occurrence of any stop sequence, as the service does. */
export function cutAtStopSequence(text: string, stops: readonly string[]): string {
  let end = text.length;
  for (const stop of stops) {
    const at = stop === "" ? -1 : text.indexOf(stop);
    if (at !== -1 && at < end) end = at;
  }
  return text.slice(0, end);
}

/** `text` split into stream deltas of one word each, leading whitespace kept, to rejoin exactly. */
export function splitIntoDeltas(text: string): string[] {
  return text.match(/\s*\S+|\s+$/g) ?? [];
}

/** `text` split into slices of at most `size` characters (code points kept whole). */
export function splitIntoSlices(text: string, size: number): string[] {
  const characters = Array.from(text);
  const slices: string[] = [];
  for (let start = 0; start < characters.length; start += size) {
    slices.push(characters.slice(start, start + size).join(""));
  }
  return slices;
}
