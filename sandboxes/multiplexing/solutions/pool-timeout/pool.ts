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
    /** A free slot now, or when a holder gives one back; fails after timeoutMs in line. */
    acquire(timeoutMs = Infinity): Promise<Lease> {
      const slot = free.shift();
      if (slot !== undefined) return Promise.resolve({ slot, waitedMs: 0 });
      const asked = performance.now();
      return new Promise((resolve, reject) => {
        const take = (given: number) => {
          clearTimeout(timer);
          resolve({ slot: given, waitedMs: performance.now() - asked });
        };
        // Waited too long: leave the line, so a slot freed later goes to the next one.
        const timer = Number.isFinite(timeoutMs)
          ? setTimeout(() => {
              waiting.splice(waiting.indexOf(take), 1);
              reject(new Error(`no free slot within ${timeoutMs} ms`));
            }, timeoutMs)
          : undefined;
        waiting.push(take);
      });
    },
    /** Hands the slot to the first in line, or puts it back. */
    release(slot: number): void {
      const next = waiting.shift();
      if (next) next(slot);
      else free.push(slot);
    },
  };
}
