/**
 * Values a prompt offers to the generated arguments: numbers, quoted phrases, ISO dates and
 * date-times, each taken in the order they appear in the prompt and handed out one at a time.
 */

const DATE_TIME = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})/g;
const DATE = /\b\d{4}-\d{2}-\d{2}\b/g;
// A number stands alone: not part of a word ("gpt-4o"), a version ("1.2.3") or a date.
const NUMBER = /(?<![\w.-])-?\d+(?:\.\d+)?(?![\w.]*\w)/g;
// A quote opens and closes only where it is not inside a word, so "What's" opens nothing.
const QUOTED = /(?<![\p{L}\p{N}])(?:'(.+?)'|"(.+?)"|“(.+?)”|‘(.+?)’)(?![\p{L}\p{N}])/gu;

/** A cursor over the values found in one prompt. Each `next…` call consumes one value. */
export class PromptValues {
  readonly #numbers: number[];
  readonly #phrases: string[];
  readonly #dates: string[];
  readonly #dateTimes: string[];

  constructor(prompt: string) {
    this.#phrases = Array.from(prompt.matchAll(QUOTED), (match) =>
      (match[1] ?? match[2] ?? match[3] ?? match[4] ?? "").trim(),
    ).filter((phrase) => phrase !== "");
    // A quoted phrase is one value: "'iPhone 15' under 1000" offers the phrase and 1000 only.
    const unquoted = prompt.replace(QUOTED, " ");
    this.#dateTimes = Array.from(unquoted.matchAll(DATE_TIME), (match) => match[0]);
    const withoutDateTimes = unquoted.replace(DATE_TIME, " ");
    this.#dates = Array.from(withoutDateTimes.matchAll(DATE), (match) => match[0]);
    const withoutDates = withoutDateTimes.replace(DATE, " ");
    this.#numbers = Array.from(withoutDates.matchAll(NUMBER), (match) => Number(match[0]));
  }

  /** How many numbers are left. */
  get remainingNumbers(): number {
    return this.#numbers.length;
  }

  /** How many quoted phrases are left. */
  get remainingPhrases(): number {
    return this.#phrases.length;
  }

  /** The next number of the prompt, if any is left. */
  nextNumber(): number | undefined {
    return this.#numbers.shift();
  }

  /** The next quoted phrase of the prompt, if any is left. */
  nextPhrase(): string | undefined {
    return this.#phrases.shift();
  }

  /** The next `YYYY-MM-DD` date of the prompt (date-times count too, by their date), if any. */
  nextDate(): string | undefined {
    return this.#dates.shift() ?? this.#dateTimes.shift()?.slice(0, 10);
  }

  /** The next ISO date-time of the prompt (a bare date counts, at midnight UTC), if any. */
  nextDateTime(): string | undefined {
    const dateTime = this.#dateTimes.shift();
    if (dateTime !== undefined) return dateTime;
    const date = this.#dates.shift();
    return date === undefined ? undefined : `${date}T00:00:00Z`;
  }
}
