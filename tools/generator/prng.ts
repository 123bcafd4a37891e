// Small seeded pseudo-random generator (sfc32) with named streams: every store, fault source and
// reference table draws from its own stream, derived from the seed and a key, so the output never
// depends on iteration order or on how many draws another stream made.

export interface Prng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [lo, hi] (inclusive). */
  int(lo: number, hi: number): number;
  /** Uniform float in [lo, hi). */
  uniform(lo: number, hi: number): number;
  chance(probability: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** Picks items[i] with probability weights[i] / Σ weights. */
  weighted<T>(items: readonly T[], weights: readonly number[]): T;
  weightedIndex(weights: readonly number[]): number;
  /** Poisson-distributed count (Knuth for small means, normal approximation above 60). */
  poisson(mean: number): number;
}

/** 32-bit FNV-1a over the keys' text: a stable hash for stream names. */
export function hashKeys(parts: readonly (string | number)[]): number {
  let h = 0x811c9dc5;
  const text = parts.join('\u0001');
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** A generator for the stream named by `keys` under `seed`. */
export function createPrng(seed: number, ...keys: (string | number)[]): Prng {
  const init = splitmix32(hashKeys([seed, ...keys]));
  let a = init();
  let b = init();
  let c = init();
  let d = init() | 1;
  const nextU32 = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i++) nextU32();

  const next = (): number => nextU32() / 4294967296;
  const weightedIndex = (weights: readonly number[]): number => {
    let total = 0;
    for (const w of weights) total += w;
    let r = next() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i]!;
      if (r < 0) return i;
    }
    return weights.length - 1;
  };
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    uniform: (lo, hi) => lo + next() * (hi - lo),
    chance: (p) => next() < p,
    pick: (items) => items[Math.floor(next() * items.length)]!,
    weighted: (items, weights) => items[weightedIndex(weights)]!,
    weightedIndex,
    poisson: (mean) => {
      if (mean <= 0) return 0;
      if (mean > 60) {
        // Box-Muller normal approximation; the exact shape does not matter at this size.
        const u = 1 - next();
        const v = next();
        const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
        return Math.max(0, Math.round(mean + Math.sqrt(mean) * z));
      }
      const limit = Math.exp(-mean);
      let k = 0;
      let p = next();
      while (p > limit) {
        k++;
        p *= next();
      }
      return k;
    },
  };
}
