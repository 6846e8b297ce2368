/** A seeded pseudo-random source, so a failing interleaving can be replayed from its seed. */
export interface SeededRandom {
  readonly seed: number;
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, bound). */
  below(bound: number): number;
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
}

/**
 * mulberry32: small, fast and good enough to shuffle test interleavings. The seed comes from
 * `RELIABILITY_SEED` when set, so a failure printed with its seed can be run again exactly.
 */
export function seededRandom(seed: number = seedFromEnvironment()): SeededRandom {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
  return {
    seed,
    next,
    below: (bound) => Math.floor(next() * bound),
    pick: <T>(items: readonly T[]) => {
      const item = items[Math.floor(next() * items.length)];
      if (item === undefined) throw new RangeError("pick() needs a non-empty list");
      return item;
    },
  };
}

function seedFromEnvironment(): number {
  const fromEnvironment = Number.parseInt(process.env.RELIABILITY_SEED ?? "", 10);
  return Number.isFinite(fromEnvironment) ? fromEnvironment : Math.floor(Math.random() * 2 ** 31);
}
