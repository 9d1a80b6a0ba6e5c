// Exercises for this sandbox: the page checks them after every Run; solutions/ has one way to pass each.
import type { Exercise, ExerciseRun } from '#exercise';
import type { TraceEvent } from '#trace/events';

type Request = Extract<TraceEvent, { kind: 'request' }>;
type SseEvent = Extract<TraceEvent, { kind: 'sse-event' }>;

const requestsTo = (run: ExerciseRun, path: string) =>
  run.trace.filter(
    (event): event is Request => event.kind === 'request' && new URL(event.url).pathname === path,
  );

/** The events (not comments) the server sent on one stream, in order. */
const eventsOn = (run: ExerciseRun, exchange: string) =>
  run.trace.filter(
    (event): event is SseEvent =>
      event.kind === 'sse-event' && event.exchange === exchange && event.comment === undefined,
  );

const lastEventId = (request: Request) =>
  Number(request.headers.find(([name]) => name.toLowerCase() === 'last-event-id')?.[1] ?? 0);

export const exercises: Exercise[] = [
  {
    id: 'reload-when-too-old',
    title: 'Tell a client that fell too far behind to reload',
    task: 'A ticker only needs the current price: make the server keep just the newest price in its log. When a reconnect’s Last-Event-ID is older than the log can replay, start the stream with an `event: reload` carrying an `id:` and the current price as data, instead of silently skipping, and make client.ts handle it.',
    hint: 'Number prices with a counter (the log no longer grows), drop log[0] when it holds more than one, and compare Last-Event-ID with log[0].id before the replay.',
    check(run) {
      const reconnects = requestsTo(run, '/prices').filter((request) => lastEventId(request) > 0);
      let good: string | undefined;
      for (const request of reconnects) {
        const after = lastEventId(request);
        const events = eventsOn(run, request.exchange);
        const [first] = events;
        if (!first) continue; // the 204 at the end carries no events
        if (first.event === 'reload') {
          const id = Number(first.id);
          if (first.id === undefined || !(id > after)) {
            return {
              pass: false,
              message: `The reload after Last-Event-ID ${after} has id ${first.id ?? 'none'}: give it the id of the price it carries, so EventSource resumes from there.`,
            };
          }
          const old = events.find((event) => event.event === 'price' && Number(event.id) <= id);
          if (old) {
            return {
              pass: false,
              message: `After the reload (id ${id}) the stream still sent price #${old.id}: a reload replaces the replay.`,
            };
          }
          good ??= `The reconnect with Last-Event-ID ${after} started with event: reload (id ${id}), then went live.`;
          continue;
        }
        const firstId = Number(first.id);
        if (first.event === 'price' && firstId === after + 1) {
          return {
            pass: false,
            message: `The reconnect with Last-Event-ID ${after} got a full replay from #${after + 1}: the log still holds every price. Keep only the newest.`,
          };
        }
        if (first.event === 'price' && firstId > after + 1) {
          return {
            pass: false,
            message: `The reconnect with Last-Event-ID ${after} went on at #${firstId}: #${after + 1}–#${firstId - 1} vanished silently. Send event: reload first.`,
          };
        }
      }
      if (good) return { pass: true, message: good };
      return {
        pass: false,
        message: `No reconnect stream began with event: reload (${reconnects.length} reconnect(s) seen).`,
      };
    },
  },
  {
    id: 'share-one-stream',
    title: 'Share one stream between the seven tabs',
    task: 'Seven tabs with seven EventSources need seven connections, and over HTTP/1.1 the seventh waits. Make tabs.ts open one EventSource to /clock and give each of the seven tabs its ticks (as a SharedWorker or BroadcastChannel would), closing it when every tab has had three.',
    hint: 'Create the EventSource once, outside tab(); each tab adds its own tick listener and removes it after three ticks.',
    check(run) {
      const streams = requestsTo(run, '/clock');
      if (streams.length === 0) {
        return {
          pass: false,
          message: 'No GET /clock in this run: the tabs must still watch the clock.',
        };
      }
      if (streams.length > 1) {
        const overlapping = streams.filter((request) => request.t < (streams[0]?.t ?? 0) + 250);
        return {
          pass: false,
          message: `The tabs opened ${streams.length} streams to /clock (${overlapping.length} at once): each holds a connection of its own.`,
        };
      }
      const stream = streams[0] as Request;
      const ticks = eventsOn(run, stream.exchange).filter((event) => event.event === 'tick');
      if (ticks.length < 3) {
        return {
          pass: false,
          message: `The one /clock stream carried ${ticks.length} tick(s): the tabs need three each.`,
        };
      }
      return {
        pass: true,
        message: `One /clock stream carried ${ticks.length} ticks for all the tabs: one connection instead of seven.`,
      };
    },
  },
];
