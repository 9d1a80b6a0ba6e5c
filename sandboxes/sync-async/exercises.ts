// Exercises for this sandbox: the page checks them after every Run; solutions/ has one way to pass each.
import { httpExchanges, parseJson, type Exercise, type ExerciseRun } from '#exercise';

/** One GET of a job's status URL: who asked, when it went out and came back, and what it said. */
interface StatusPoll {
  client: string;
  path: string;
  sent: number;
  answered?: number;
  status?: number;
  retryAfter?: string;
  body: string;
}

/** Every GET /jobs/<id>, in the order the requests went out. */
function statusPolls(run: ExerciseRun): StatusPoll[] {
  return httpExchanges(run.trace)
    .filter((exchange) => exchange.method === 'GET' && /^\/jobs\/\d+$/.test(exchange.path))
    .map((exchange) => ({
      client: exchange.from,
      path: exchange.path,
      sent: exchange.sent,
      answered: exchange.answered,
      status: exchange.status,
      retryAfter: exchange.responseHeaders.get('retry-after'),
      body: exchange.responseBody,
    }));
}

const statusOf = (poll: StatusPoll) =>
  parseJson(poll.body) as { status?: unknown; error?: unknown } | undefined;

export const exercises: Exercise[] = [
  {
    id: 'job-deadline',
    title: 'Give every job a deadline and report overdue jobs as failed',
    task: 'A 202 is a promise to report an outcome. Make the transcoder stop any job still transcoding 1.5 s after it started and mark it failed with a reason; make its status URL answer 200 with { "status": "failed", "error": "…" } and no Retry-After; and make the uploader stop polling when it reads "failed". (holiday.mp4 takes 2.5 s, so it will fail.)',
    hint: 'In transcoder.ts, start a second timer next to job.timer (or one for Math.min(job.ms, 1500)); add "failed" and an error to the Job type. In server.ts, answer a failed job before computing progress.',
    check(run) {
      const polls = statusPolls(run);
      if (polls.length === 0) {
        return { pass: false, message: 'No client asked a GET /jobs/<id> status URL in this run.' };
      }
      const failed = polls.find(
        (poll) => poll.status === 200 && statusOf(poll)?.status === 'failed',
      );
      if (!failed) {
        const seen = [
          ...new Set(polls.map((poll) => String(statusOf(poll)?.status ?? poll.status))),
        ];
        return {
          pass: false,
          message: `No status answer said "failed": the polls saw ${seen.join(', ')}. A job transcoding for more than 1.5 s should end as { "status": "failed" }.`,
        };
      }
      const error = statusOf(failed)?.error;
      if (typeof error !== 'string' || error === '') {
        return {
          pass: false,
          message: `GET ${failed.path} said "failed" without a reason: add an "error" string saying why.`,
        };
      }
      if (failed.retryAfter !== undefined) {
        return {
          pass: false,
          message: `GET ${failed.path} said "failed" but still sent Retry-After: ${failed.retryAfter}. A failed job has nothing more to wait for.`,
        };
      }
      const again = polls.find(
        (poll) =>
          poll.client === failed.client && poll.path === failed.path && poll.sent > failed.sent,
      );
      if (again) {
        return {
          pass: false,
          message: `${failed.client} asked ${failed.path} again ${Math.round(again.sent - (failed.answered ?? failed.sent))} ms after it said "failed": stop polling on "failed" as well as on "done".`,
        };
      }
      return {
        pass: true,
        message: `${failed.path} reported "failed" (“${error}”) without Retry-After, and ${failed.client} stopped asking.`,
      };
    },
  },
  {
    id: 'retry-after-estimate',
    title: 'Let the server set the polling pace with Retry-After',
    task: 'Make GET /jobs/<id> send, in Retry-After, the whole seconds until the job is likely done (at least 1), and make the uploader wait what each answer says instead of the first 202’s value. holiday.mp4 should then need one poll fewer.',
    hint: 'For a transcoding job the time left is job.ms − (Date.now() − job.startedAt); round it up with Math.ceil(… / 1000). In uploader.ts, read retry-after from every status response.',
    check(run) {
      const polls = statusPolls(run);
      const hinted = polls.filter(
        (poll) => poll.status === 200 && Number(poll.retryAfter ?? 0) >= 2,
      );
      if (hinted.length === 0) {
        const values = [
          ...new Set(
            polls.filter((poll) => poll.status === 200).map((poll) => poll.retryAfter ?? 'none'),
          ),
        ];
        return {
          pass: false,
          message: `Every status answer said Retry-After: ${values.join(' or ')}. A job with 1.5 s or more left should say 2 or more.`,
        };
      }
      let ignored: string | undefined;
      for (const poll of hinted) {
        const next = polls.find(
          (other) =>
            other.client === poll.client && other.path === poll.path && other.sent > poll.sent,
        );
        if (!next) continue;
        const waited = next.sent - (poll.answered ?? poll.sent);
        const asked = Number(poll.retryAfter) * 1000;
        if (waited >= asked - 100) {
          return {
            pass: true,
            message: `${poll.path} said Retry-After: ${poll.retryAfter}, and ${poll.client} waited ${Math.round(waited)} ms before asking again.`,
          };
        }
        ignored ??= `${poll.path} said Retry-After: ${poll.retryAfter}, but ${poll.client} asked again after ${Math.round(waited)} ms: wait what each answer says.`;
      }
      return {
        pass: false,
        message:
          ignored ??
          `${hinted[0]?.path} said Retry-After: ${hinted[0]?.retryAfter}, but nobody asked again: was the job already done?`,
      };
    },
  },
];
