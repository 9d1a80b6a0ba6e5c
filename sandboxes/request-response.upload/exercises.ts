// Exercises for the upload sandbox: the page checks them after every Run; solutions/ has one way to pass each.
import { httpExchanges, parseJson, type Exercise } from '#exercise';
import type { TraceEvent } from '#trace/events';

/** The most part uploads that were on the wire at once: requests sent before earlier ones ended. */
function mostPartsInFlight(trace: readonly TraceEvent[]): number {
  const parts = new Set<string>();
  let open = 0;
  let most = 0;
  for (const event of trace) {
    if (event.kind === 'request' && /\/parts\/[^/]+$/.test(new URL(event.url).pathname)) {
      parts.add(event.exchange);
      most = Math.max(most, ++open);
    } else if (
      parts.has(event.exchange) &&
      (event.kind === 'response' || event.kind === 'error' || event.kind === 'abort')
    ) {
      parts.delete(event.exchange);
      open -= 1;
    }
  }
  return most;
}

export const exercises: Exercise[] = [
  {
    id: 'parallel-parts',
    title: 'Send up to three parts at once',
    task: 'Parts are independent, so they need not wait for each other. Make uploadInParts keep up to three PUTs on the wire at the same time (never more), still resume after the dropped connection, and complete with 201.',
    hint: 'Start three workers that each take the next missing part from a shared list until it is empty; after a dropped part, ask the server which parts it has before going on.',
    check(run) {
      const most = mostPartsInFlight(run.trace);
      if (most < 2) {
        return {
          pass: false,
          message: `At most ${most} part was on the wire at a time: send the next part before the previous one is answered.`,
        };
      }
      if (most > 3) {
        return {
          pass: false,
          message: `${most} parts were on the wire at once: keep it to three, so one upload does not take every connection the client has.`,
        };
      }
      const completed = httpExchanges(run.trace).find(
        (exchange) => exchange.method === 'POST' && /\/complete$/.test(exchange.path),
      );
      if (completed?.status !== 201) {
        const reason = (parseJson(completed?.responseBody ?? '') as { error?: string } | undefined)
          ?.error;
        return {
          pass: false,
          message: completed
            ? `Completing the upload got ${completed.status ?? 'no answer'}${reason ? `: ${reason}` : ''}.`
            : 'The upload was never completed: POST /uploads/<id>/complete after the last part.',
        };
      }
      return {
        pass: true,
        message: `Up to ${most} parts were on the wire at once, and the server assembled the image (201).`,
      };
    },
  },
];
