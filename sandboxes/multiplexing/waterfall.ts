// Prints one line per request, a bar drawn to scale from the
// moment all 30 were asked for, then the numbers:
//   ░ waiting in line (for a connection, or a stream slot)
//   █ on the wire: sent, served, the response coming back
//   ▒ stalled: the response is here, stuck behind a lost packet
export interface Timing {
  n: number;
  via: string; // "conn 3" or "stream 13"
  waitMs: number; // all three: ms since the 30 were asked for
  arrivedMs: number;
  doneMs: number;
}

const BAR_LIMIT = 64; // characters; longer bars end in "…"

export function printWaterfall(timings: Timing[], msPerChar: number) {
  const chars = (ms: number) => Math.round(ms / msPerChar);
  for (const t of [...timings].sort((a, b) => a.n - b.n)) {
    const queued = chars(t.waitMs);
    const onWire = Math.max(chars(t.arrivedMs) - queued, 1);
    const stalled = chars(t.doneMs) - chars(t.arrivedMs);
    let bar = '░'.repeat(queued) + '█'.repeat(onWire) + '▒'.repeat(stalled);
    if (bar.length > BAR_LIMIT) bar = `${bar.slice(0, BAR_LIMIT)}…`;
    const n = String(t.n).padStart(2, '0');
    const waited = Math.round(t.waitMs);
    console.log(`${bar} #${n} ${t.via}: waited ${waited}, done at ${ms(t.doneMs)}`);
  }
  const done = timings.map((t) => t.doneMs).sort((a, b) => a - b);
  return {
    halfMs: done[Math.ceil(done.length / 2) - 1] ?? 0, // when half were done
    totalMs: done.at(-1) ?? 0,
    waited: timings.filter((t) => t.waitMs > 0).length,
    longestWaitMs: Math.max(...timings.map((t) => t.waitMs)),
  };
}

export const ms = (value: number) => `${Math.round(value)} ms`;
