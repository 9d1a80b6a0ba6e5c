// A pool of numbered slots: at most `size` holders at once; the
// rest wait in line, first come, first served. http1.ts pools
// connections with it; http2.ts caps its open streams with it.
export interface Lease {
  slot: number;
  // Time spent in line: what real pools report as "acquire time".
  waitedMs: number;
}

export function createPool(size: number) {
  const free = Array.from({ length: size }, (_, i) => i + 1);
  const waiting: Array<(slot: number) => void> = [];
  return {
    /** A free slot now, or when a holder gives one back. */
    acquire(): Promise<Lease> {
      const slot = free.shift();
      if (slot !== undefined) return Promise.resolve({ slot, waitedMs: 0 });
      const asked = performance.now();
      return new Promise((resolve) =>
        waiting.push((given) => resolve({ slot: given, waitedMs: performance.now() - asked })),
      );
    },
    /** Hands the slot to the first in line, or puts it back. */
    release(slot: number): void {
      const next = waiting.shift();
      if (next) next(slot);
      else free.push(slot);
    },
  };
}
