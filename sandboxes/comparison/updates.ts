// What the four clients share: the shape of an update, and how each client records its arrival.
// Only the way updates reach the client differs from file to file.

export interface Update {
  seq: number;
  /** How many updates the workload has; a client stops once it has seen the last one. */
  total: number;
  text: string;
  /** performance.now() on the server when it was published. */
  publishedAt: number;
}

/** Keeps one client's delivery latencies and prints them in a form the page's table reads. */
export function deliveryLog() {
  const latencies: number[] = [];
  let total = Infinity;
  return {
    /** True once the last update of the workload has arrived. */
    get done(): boolean {
      return latencies.length >= total;
    },
    arrived(update: Update, how: string): void {
      // Latency = arrival − publish. This works only because server and clients share one clock
      // (one worker in the page, one process in Node); across machines, clocks disagree.
      const ms = Math.round((performance.now() - update.publishedAt) * 10) / 10;
      latencies.push(ms);
      total = update.total;
      console.log(`update #${update.seq} delivered after ${ms.toFixed(1)} ms (${how})`);
    },
    summary(requests: number): void {
      const sorted = [...latencies].sort((a, b) => a - b);
      const middle = sorted.length / 2;
      const median =
        ((sorted[Math.ceil(middle) - 1] ?? NaN) + (sorted[Math.floor(middle)] ?? NaN)) / 2;
      const max = sorted.at(-1) ?? NaN;
      console.log(
        `done: ${latencies.length} updates, ${requests} request(s), ` +
          `latency median ${median.toFixed(1)} ms, max ${max.toFixed(1)} ms`,
      );
    },
  };
}
