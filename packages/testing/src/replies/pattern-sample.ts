/**
 * The shortest string a regular expression plausibly accepts, read from its text: the first
 * branch of every alternation, the first character of every class, the fewest repetitions
 * every quantifier allows. Covers the patterns schemas use in practice (`^[0-9]{5}$`,
 * `^[A-Z]{2}-\d{3}$`, `^(https?)://…`); the caller tests the result against the real RegExp
 * and treats anything else as unsupported.
 */
export function samplePattern(pattern: string): string | undefined {
  const reader = { text: pattern, at: 0 };
  try {
    const sample = readAlternation(reader);
    return reader.at === pattern.length ? sample : undefined;
  } catch {
    return undefined;
  }
}

interface Reader {
  readonly text: string;
  at: number;
}

const ESCAPES: Record<string, string> = { d: "0", w: "a", s: " ", D: "a", W: "-", S: "a" };
const ZERO_WIDTH = new Set(["b", "B", "A", "z", "Z"]);
const CLASS_CANDIDATES = ["a", "A", "0", "_", "-", " ", "x", "."];

function readAlternation(reader: Reader): string {
  const first = readSequence(reader);
  while (reader.text[reader.at] === "|") {
    reader.at += 1;
    readSequence(reader);
  }
  return first;
}

function readSequence(reader: Reader): string {
  let sample = "";
  for (;;) {
    const next = reader.text[reader.at];
    if (next === undefined || next === "|" || next === ")") return sample;
    const atom = readAtom(reader);
    sample += atom.repeat(readQuantifier(reader));
  }
}

function readAtom(reader: Reader): string {
  const next = reader.text[reader.at] as string;
  reader.at += 1;
  switch (next) {
    case "^":
    case "$":
      return "";
    case ".":
      return "a";
    case "(": {
      if (reader.text.startsWith("?:", reader.at)) reader.at += 2;
      else if (reader.text[reader.at] === "?") throw new Error("lookaround");
      const inner = readAlternation(reader);
      if (reader.text[reader.at] !== ")") throw new Error("unclosed group");
      reader.at += 1;
      return inner;
    }
    case "[":
      return readClass(reader);
    case "\\":
      return readEscape(reader);
    default:
      return next;
  }
}

function readEscape(reader: Reader): string {
  const escaped = reader.text[reader.at];
  if (escaped === undefined) throw new Error("dangling escape");
  reader.at += 1;
  if (ZERO_WIDTH.has(escaped)) return "";
  return ESCAPES[escaped] ?? escaped;
}

function readClass(reader: Reader): string {
  const end = reader.text.indexOf("]", reader.at + 1);
  if (end === -1) throw new Error("unclosed class");
  const body = reader.text.slice(reader.at, end);
  reader.at = end + 1;

  const matcher = new RegExp(`^[${body}]$`, "u");
  const firstLiteral = body.startsWith("^") ? undefined : body[0] === "\\" ? undefined : body[0];
  const candidates = [...(firstLiteral ? [firstLiteral] : []), ...CLASS_CANDIDATES];
  const match = candidates.find((candidate) => matcher.test(candidate));
  if (match === undefined) throw new Error("no candidate in class");
  return match;
}

function readQuantifier(reader: Reader): number {
  const next = reader.text[reader.at];
  let count = 1;
  if (next === "?" || next === "*") {
    count = 0;
    reader.at += 1;
  } else if (next === "+") {
    reader.at += 1;
  } else if (next === "{") {
    const match = /^\{(\d+)(?:,\d*)?\}/.exec(reader.text.slice(reader.at));
    if (!match) return 1;
    count = Number(match[1]);
    reader.at += match[0].length;
  }
  // A lazy or possessive marker changes nothing about the shortest sample.
  if (reader.text[reader.at] === "?" || reader.text[reader.at] === "+") reader.at += 1;
  return count;
}
