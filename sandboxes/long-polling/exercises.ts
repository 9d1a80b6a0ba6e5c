// Exercises for this sandbox: the page checks them after every Run; solutions/ has one way to pass each.
import { httpExchanges, parseJson, type Exercise, type ExerciseRun } from '#exercise';

/** One HTTP exchange, with when it went out, when it was answered or aborted, and its body. */
interface Exchange {
  from: string;
  to: string;
  method: string;
  path: string;
  after?: number;
  sent: number;
  answered?: number;
  aborted?: number;
  status?: number;
  body: string;
}

function exchanges(run: ExerciseRun): Exchange[] {
  return httpExchanges(run.trace).map((exchange) => {
    const after = exchange.url.searchParams.get('after');
    return {
      ...exchange,
      after: after === null ? undefined : Number(after),
      body: exchange.responseBody,
    };
  });
}

/** The dashboard's polls, in the order they went out. */
const dashboardPolls = (all: Exchange[]) =>
  all.filter((exchange) => exchange.from === 'dashboard' && exchange.path === '/poll');

/** Message ids in a poll's answer. */
const idsIn = (poll: Exchange): number[] => {
  const answer = parseJson(poll.body) as { messages?: Array<{ id?: unknown }> } | undefined;
  return (answer?.messages ?? []).flatMap((message) =>
    typeof message.id === 'number' ? [message.id] : [],
  );
};

/** What the builder published: each message id and when its POST went out. */
const published = (all: Exchange[]) =>
  all.flatMap((exchange) => {
    if (exchange.from !== 'builder' || exchange.method !== 'POST') return [];
    const id = (parseJson(exchange.body) as { id?: unknown } | undefined)?.id;
    return typeof id === 'number' ? [{ id, at: exchange.sent }] : [];
  });

/** Says which published messages the dashboard never got, or got more than once. */
function deliveryProblem(all: Exchange[]): string | undefined {
  const received = dashboardPolls(all).flatMap(idsIn);
  const missing = published(all).filter((message) => !received.includes(message.id));
  if (missing.length > 0) {
    return `The dashboard never got ${missing.map((message) => `#${message.id}`).join(', ')}.`;
  }
  const twice = received.filter((id, i) => received.indexOf(id) !== i);
  if (twice.length > 0) return `The dashboard got #${twice.join(', #')} more than once.`;
  return undefined;
}

export const exercises: Exercise[] = [
  {
    id: 'keep-a-poll-parked',
    title: 'Shrink the reconnect gap: keep a poll parked while you handle answers',
    task: 'Messages #4 and #5 wait in the log while the dashboard spends 400 ms handling #3, because no poll is parked. Split the dashboard into a loop that receives (it asks again with the new cursor the moment an answer arrives) and a loop that handles answers from an inbox, 400 ms each, so a poll is already parked at the server whenever a message is published. Keep one poll in flight at a time.',
    hint: 'Run the receiving loop as an async function you do not await: it pushes each answer into an array and wakes the handling loop, which sleeps processingMs per answer.',
    check(run) {
      const all = exchanges(run);
      const problem = deliveryProblem(all);
      if (problem) return { pass: false, message: problem };
      const polls = dashboardPolls(all);
      const overlap = polls.find(
        (poll, i) => i > 0 && poll.sent < (polls[i - 1]?.answered ?? Infinity) - 5,
      );
      if (overlap) {
        return {
          pass: false,
          message: `GET /poll?after=${overlap.after} went out while the previous poll was still waiting: keep one poll in flight.`,
        };
      }
      // Parked: the poll that delivered a message went out before the message was published. This
      // reads the order of events, not a delay, so a slow machine does not fail a right answer.
      const deliveries = published(all).map(({ id, at }) => {
        const poll = polls.find((candidate) => idsIn(candidate).includes(id));
        return { id, at, poll };
      });
      if (deliveries.length === 0) {
        return { pass: false, message: 'The builder published nothing in this run.' };
      }
      const unparked = deliveries.filter(({ at, poll }) => !poll || poll.sent > at);
      if (unparked.length > 0) {
        return {
          pass: false,
          message: `${unparked.map(({ id, at, poll }) => (poll ? `#${id} waited in the log ${Math.round(poll.sent - at)} ms for the next poll` : `#${id} never reached the dashboard`)).join('; ')}: no poll was parked when it was published.`,
        };
      }
      const slowest = Math.max(...deliveries.map(({ at, poll }) => (poll?.answered ?? at) - at));
      return {
        pass: true,
        message: `A poll was parked whenever a message was published, the gap ones included: each reached the dashboard within ${Math.round(slowest)} ms.`,
      };
    },
  },
  {
    id: 'poll-deadline',
    title: 'Give every poll a deadline, and retry with the same cursor',
    task: 'A held poll can hang if something on the path swallows its answer, so the client needs its own deadline. Make the dashboard abort any poll not answered within 500 ms and ask again at once with the same cursor: the first poll, held about 700 ms, will hit it. No message may be lost or repeated, and never two polls in flight.',
    hint: 'fetch(url, { signal: AbortSignal.timeout(500) }) rejects when the deadline passes: catch it and continue the loop. (In production the deadline sits a few seconds above the server’s hold.)',
    check(run) {
      const all = exchanges(run);
      const polls = dashboardPolls(all);
      const aborted = polls.filter(
        (poll) => poll.aborted !== undefined && poll.status === undefined,
      );
      if (aborted.length === 0) {
        const longest = Math.max(0, ...polls.map((poll) => (poll.answered ?? 0) - poll.sent));
        return {
          pass: false,
          message: `The dashboard aborted none of its ${polls.length} polls; the longest was held ${Math.round(longest)} ms. Abort a poll after 500 ms.`,
        };
      }
      for (const poll of aborted) {
        const next = polls.find((candidate) => candidate.sent > poll.sent);
        if (!next) {
          return {
            pass: false,
            message: `After aborting GET /poll?after=${poll.after}, the dashboard never asked again.`,
          };
        }
        if (next.after !== poll.after) {
          return {
            pass: false,
            message: `After aborting GET /poll?after=${poll.after}, the dashboard asked with after=${next.after}: retry with the same cursor.`,
          };
        }
        if (next.sent < (poll.aborted ?? 0) - 5) {
          return {
            pass: false,
            message: `GET /poll?after=${next.after} went out before the old poll was aborted: two polls were in flight.`,
          };
        }
      }
      const problem = deliveryProblem(all);
      if (problem) return { pass: false, message: problem };
      const first = aborted[0] as Exchange;
      return {
        pass: true,
        message: `${aborted.length} poll(s) aborted at the deadline (the first after ${Math.round((first.aborted ?? 0) - first.sent)} ms), retried with the same cursor, and every message arrived exactly once.`,
      };
    },
  },
];
