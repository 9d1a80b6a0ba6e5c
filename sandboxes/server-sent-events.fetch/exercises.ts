// Exercises for this sandbox: the page checks them after every Run; solutions/ has one way to pass each.
import { httpExchanges, parseJson, type Exercise, type ExerciseRun } from '#exercise';
import type { TraceEvent } from '#trace/events';

type SseEvent = Extract<TraceEvent, { kind: 'sse-event' }>;

/** When an exchange's body ended or was given up on: the stream no longer holds its connection. */
const endOf = (run: ExerciseRun, exchange: string) =>
  run.trace.find(
    (event) =>
      event.exchange === exchange &&
      (event.kind === 'body-end' || event.kind === 'abort' || event.kind === 'error'),
  )?.t ?? Infinity;

/** The symbols of the price events a stream carried. */
const symbolsOn = (run: ExerciseRun, exchange: string) =>
  run.trace
    .filter(
      (event): event is SseEvent =>
        event.kind === 'sse-event' && event.exchange === exchange && event.event === 'price',
    )
    .map((event) => (parseJson(event.data) as { symbol?: unknown } | undefined)?.symbol)
    .filter((symbol): symbol is string => typeof symbol === 'string');

export const exercises: Exercise[] = [
  {
    id: 'two-symbols-one-stream',
    title: 'Carry two symbols on one stream',
    task: 'The ticker should show ACME and GLOBEX. Rather than a second stream (over HTTP/1.1 each holds one of six connections), make server.ts accept `{"symbols": ["ACME", "GLOBEX"]}` and publish a price for each symbol, each with an id of its own in one sequence, and make client.ts subscribe to both in its one POST. One Last-Event-ID then resumes both.',
    hint: 'In publish(), push one price per symbol into the log; send a stream only the prices whose symbol it asked for. Count the end of the feed in ids, so 204 still comes.',
    check(run) {
      const streams = httpExchanges(run.trace).filter(
        (exchange) => exchange.from === 'client' && exchange.path === '/prices',
      );
      const asked = streams.map((exchange) => {
        const body = parseJson(exchange.requestBody) as { symbols?: unknown } | undefined;
        return Array.isArray(body?.symbols) ? body.symbols.length : 1;
      });
      if (!asked.some((count) => count >= 2)) {
        return {
          pass: false,
          message: `No POST /prices asked for two symbols (${streams.length} request(s), each for one): send {"symbols": ["ACME", "GLOBEX"]}.`,
        };
      }
      for (let i = 1; i < streams.length; i++) {
        const [before, after] = [streams[i - 1], streams[i]];
        if (before && after && after.sent < endOf(run, before.id)) {
          return {
            pass: false,
            message: `POST /prices ${after.id} went out while ${before.id} was still open: that is two streams, two connections.`,
          };
        }
      }
      const symbols = new Set(streams.flatMap((exchange) => symbolsOn(run, exchange.id)));
      if (symbols.size < 2) {
        return {
          pass: false,
          message: `The streams carried prices for ${[...symbols].join(', ') || 'nothing'} only: publish each symbol the client asked for.`,
        };
      }
      const resumed = streams.find(
        (exchange) =>
          exchange.requestHeaders.has('last-event-id') &&
          new Set(symbolsOn(run, exchange.id)).size >= 2,
      );
      if (!resumed) {
        return {
          pass: false,
          message:
            'No reconnect with Last-Event-ID carried both symbols: one id must resume them all.',
        };
      }
      return {
        pass: true,
        message: `One stream at a time carried ${[...symbols].join(' and ')}, and the reconnect with Last-Event-ID ${resumed.requestHeaders.get('last-event-id')} resumed both.`,
      };
    },
  },
];
