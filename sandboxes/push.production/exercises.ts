// Exercises for this sandbox: the page checks them after every Run; solutions/ has one way to pass each.
import { parseJson, type Exercise, type ExerciseRun } from '#exercise';

/** The seqs of the prices edge-a wrote down carol's sockets, in order. */
function pricesToCarol(run: ExerciseRun): number[] {
  return run.trace.flatMap((event) => {
    if (event.kind !== 'ws-message' || event.from !== 'edge-a' || event.to !== 'carol') return [];
    const message = parseJson(event.preview) as { type?: unknown; seq?: unknown } | undefined;
    return message?.type === 'price' && typeof message.seq === 'number' ? [message.seq] : [];
  });
}

export const exercises: Exercise[] = [
  {
    id: 'conflate-slow',
    title: 'Conflate for the slow subscriber instead of cutting her off',
    task: 'edge-a cuts carol off once she is 4 prices behind. For a price screen only the newest price matters: send a subscriber the next price only once she has acknowledged the previous one, and keep just the newest price waiting meanwhile (each new one replaces it), sent when her acknowledgement arrives. Carol must stay connected, skip the prices that went stale, and handle the last one (#8).',
    hint: 'Set MAX_UNACKED to 1 and give Subscriber a `pending?: Message`. In push(), instead of closing, set subscriber.pending = message and return. In websocket.message, after subscriber.unacked -= 1, push the pending one (and clear it).',
    check(run) {
      const cut = run.trace.find(
        (event) => event.kind === 'ws-close' && event.to === 'carol' && event.code !== 1000,
      );
      if (cut?.kind === 'ws-close') {
        return {
          pass: false,
          message: `edge-a closed carol's socket with ${cut.code} at ${Math.round(cut.t)} ms: she is still cut off when she falls behind.`,
        };
      }
      const sent = pricesToCarol(run);
      const last = Math.max(0, ...sent);
      const handled = run.logs.some(
        (line) => line.host === 'carol' && line.text.startsWith(`handled #8 `),
      );
      if (!handled) {
        return {
          pass: false,
          message: `Carol never logged "handled #8" (edge-a sent her ${sent.map((seq) => `#${seq}`).join(', ') || 'nothing'}).`,
        };
      }
      if (sent.length >= 8) {
        return {
          pass: false,
          message: `edge-a sent carol all ${sent.length} prices: that is a queue growing with her backlog, not conflation. Send only the newest one waiting.`,
        };
      }
      return {
        pass: true,
        message: `Carol stayed connected and handled #${last}; edge-a sent her ${sent.length} of 8 (${sent.map((seq) => `#${seq}`).join(', ')}): the stale ones were replaced by newer prices.`,
      };
    },
  },
];
