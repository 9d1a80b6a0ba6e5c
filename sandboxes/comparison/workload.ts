// The workload all four techniques deliver: eight updates on a fixed schedule, the same for every client.
import type { Update } from './updates.ts';

// In ms after the first client arrives: five updates a second apart, then a burst of three at once.
const SCHEDULE = [500, 1500, 2500, 3500, 4500, 5500, 5500, 5500];

export function createWorkload() {
  const published: Update[] = [];
  const listeners = new Set<(fresh: Update[]) => void>();
  let started = false;

  function publish(count: number): void {
    // performance.now() is precise to a fraction of a millisecond (Date.now() only to 1 ms).
    const publishedAt = Math.round(performance.now() * 10) / 10;
    const fresh = Array.from({ length: count }, (_, i): Update => {
      const seq = published.length + i + 1;
      return { seq, total: SCHEDULE.length, text: `price ${100 + seq}`, publishedAt };
    });
    published.push(...fresh);
    console.log(`published #${fresh.map((update) => update.seq).join(', #')}`);
    for (const listener of [...listeners]) listener(fresh);
  }

  return {
    /** Starts the schedule, once: the first client to arrive calls it. */
    start(): void {
      if (started) return;
      started = true;
      for (const at of new Set(SCHEDULE)) {
        setTimeout(() => publish(SCHEDULE.filter((time) => time === at).length), at);
      }
    },
    /** The updates published after #seq (all of them for 0). */
    after: (seq: number): Update[] => published.filter((update) => update.seq > seq),
    /** Calls `listener` with each batch of new updates, until the returned function is called. */
    subscribe(listener: (fresh: Update[]) => void): () => void {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}
