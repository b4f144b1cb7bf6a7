/**
 * mulberry32: a small deterministic PRNG, so every run of a benchmark generates the same input bytes.
 * Shared by the benchmarks that generate CloudTrail records (bench-scan, bench-long-lines).
 */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
