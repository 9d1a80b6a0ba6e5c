// Exercises for this sandbox: the page checks them after every Run; solutions/ has one way to pass each.
import { httpExchanges, parseJson, type Exercise, type ExerciseRun } from '#exercise';

/** One HTTP exchange a client made, with when it went out and when its answer came back. */
interface Exchange {
  client: string;
  method: string;
  path: string;
  sent: number;
  answered?: number;
  status?: number;
  etag?: string;
  ifNoneMatch?: string;
  body: string;
}

function exchanges(run: ExerciseRun): Exchange[] {
  return httpExchanges(run.trace).map((exchange) => ({
    client: exchange.from,
    method: exchange.method,
    path: exchange.path,
    sent: exchange.sent,
    answered: exchange.answered,
    status: exchange.status,
    etag: exchange.responseHeaders.get('etag'),
    ifNoneMatch: exchange.requestHeaders.get('if-none-match'),
    body: exchange.responseBody,
  }));
}

const isPoll = (exchange: Exchange) =>
  exchange.method === 'GET' && /^\/jobs\/\d+$/.test(exchange.path);

const jobOf = (exchange: Exchange) =>
  parseJson(exchange.body) as { status?: unknown; progress?: unknown } | undefined;

export const exercises: Exercise[] = [
  {
    id: 'back-off',
    title: 'Back off while the job is not done',
    task: 'Polling a slow job every 500 ms mostly hears "not yet". Make client.ts double its wait after every poll that finds the job not done (500, 1000, 2000 ms…), up to a cap of 4 s, and still stop on "done".',
    hint: 'Keep a let wait = interval; sleep for wait instead of interval, and after each poll set wait = Math.min(wait * 2, 4000).',
    check(run) {
      const all = exchanges(run);
      const reports: string[] = [];
      for (const client of new Set(all.filter(isPoll).map((exchange) => exchange.client))) {
        const mine = all.filter((exchange) => exchange.client === client);
        const polls = mine.filter(isPoll);
        // Each wait: from the previous answer (the 202, then each poll's) to the next poll.
        const waits = polls.map((poll, i) => {
          const before =
            i === 0 ? mine.find((exchange) => exchange.method === 'POST') : polls[i - 1];
          return Math.round(poll.sent - (before?.answered ?? poll.sent));
        });
        const first = waits[0] ?? 0;
        const longest = Math.max(...waits);
        const grows = waits.every((wait, i) => i === 0 || wait >= (waits[i - 1] ?? 0) - 100);
        const done = jobOf(polls[polls.length - 1] as Exchange)?.status === 'done';
        if (polls.length >= 2 && grows && longest >= 1.8 * first && longest <= 4300 && done) {
          return {
            pass: true,
            message: `${client} waited ${waits.join(', ')} ms between polls: ${polls.length} polls instead of one every ${first} ms, and it stopped on "done".`,
          };
        }
        let why = `the wait never grew`;
        if (!grows) why = 'the wait shrank again';
        else if (longest > 4300) why = `one wait passed the 4 s cap`;
        else if (!done) why = 'the last poll did not find the job done';
        reports.push(`${client} waited ${waits.join(', ')} ms: ${why}`);
      }
      return {
        pass: false,
        message:
          reports.length > 0
            ? `${reports.join('; ')}. Double the wait after each poll that is not done.`
            : 'No client polled GET /jobs/<id> in this run.',
      };
    },
  },
  {
    id: 'etag-progress',
    title: 'Report progress, and make the ETag change with it',
    task: 'Add a "progress" number (0–100) to every job status body, and make the ETag change whenever the body does, progress included, so that etag-client sees the progress move instead of a 304.',
    hint: 'In stateOf(), return progress: 0 while queued, the share of transcoding time elapsed while transcoding, and 100 when done. Put the progress into the ETag, for example "v2-37".',
    check(run) {
      const answers = exchanges(run).filter(
        (exchange) => isPoll(exchange) && exchange.status === 200,
      );
      const withProgress = answers.filter(
        (exchange) => typeof jobOf(exchange)?.progress === 'number',
      );
      if (withProgress.length === 0) {
        return {
          pass: false,
          message: `None of the ${answers.length} status bodies has a "progress" number yet, for example {"id":42,"status":"transcoding","progress":40}.`,
        };
      }
      const bodyByTag = new Map<string, string>();
      for (const answer of answers) {
        if (!answer.etag) {
          return { pass: false, message: `GET ${answer.path} answered 200 without an ETag.` };
        }
        const key = `${answer.path} ${answer.etag}`;
        const earlier = bodyByTag.get(key);
        if (earlier !== undefined && earlier !== answer.body) {
          return {
            pass: false,
            message: `GET ${answer.path} sent ETag ${answer.etag} with two different bodies, ${earlier} and ${answer.body}: a client holding that ETag gets 304 and never sees the change.`,
          };
        }
        bodyByTag.set(key, answer.body);
      }
      const conditional = exchanges(run).filter(
        (exchange) => isPoll(exchange) && exchange.ifNoneMatch !== undefined,
      );
      const seen = new Set(
        conditional
          .filter((exchange) => exchange.status === 200)
          .map((exchange) => jobOf(exchange)?.progress),
      );
      if (conditional.length === 0 || seen.size < 2) {
        return {
          pass: false,
          message: `The conditional polls (If-None-Match) saw ${seen.size} progress value(s): ${conditional.length} sent, ${conditional.filter((exchange) => exchange.status === 304).length} answered 304.`,
        };
      }
      return {
        pass: true,
        message: `Every ETag names one body, and the conditional polls saw progress ${[...seen].join(', ')}.`,
      };
    },
  },
];
