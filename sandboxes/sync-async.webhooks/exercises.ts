// Exercises for this sandbox: the page checks them after every Run; solutions/ has one way to pass each.
import {
  httpExchanges,
  parseJson,
  type Exercise,
  type ExerciseRun,
  type HttpExchange,
} from '#exercise';

/** Every webhook delivery attempt the provider made, in the order they went out. */
const deliveries = (run: ExerciseRun) =>
  httpExchanges(run.trace).filter(
    (exchange) =>
      exchange.from === 'provider' && exchange.method === 'POST' && exchange.path === '/webhooks',
  );

const webhookId = (delivery: HttpExchange) => delivery.requestHeaders.get('webhook-id') ?? '?';

/** The emails the receiver reported to the app's last GET /emails, if it answered with a list. */
function emailsOf(run: ExerciseRun): Array<{ webhookId?: unknown; subject?: unknown }> | undefined {
  const reads = httpExchanges(run.trace).filter((exchange) => exchange.path === '/emails');
  const list = parseJson(reads.at(-1)?.responseBody ?? '');
  return Array.isArray(list)
    ? (list as Array<{ webhookId?: unknown; subject?: unknown }>)
    : undefined;
}

export const exercises: Exercise[] = [
  {
    id: 'handle-once',
    title: 'Handle a redelivered webhook once',
    task: 'Delivery is at least once: when the receiver answers too late, the provider sends the same webhook-id again, and the customer gets the same email again. Make the receiver remember the webhook-ids it has handled and answer a repeat with 2xx without doing the work again. Keep the provider and the slow copy as they are.',
    hint: 'In receiver.ts, keep a Set of ids. After the signature check, answer at once if the id is in it; otherwise add it before calling handle(), so a repeat that arrives while the first is still being handled is caught too.',
    check(run) {
      const attempts = deliveries(run);
      const retried = attempts.filter(
        (delivery, index) =>
          delivery.status === undefined &&
          attempts.slice(index + 1).some((later) => webhookId(later) === webhookId(delivery)),
      );
      if (retried.length === 0) {
        return {
          pass: false,
          message:
            'No webhook was sent again after an unanswered attempt, so nothing tested a repeat. Keep the provider retrying and the receiver slow to answer.',
        };
      }
      const emails = emailsOf(run);
      if (!emails) return { pass: false, message: 'The app did not read a list from GET /emails.' };
      const ids = emails.map((email) => String(email.webhookId));
      const repeated = [...new Set(ids.filter((id, index) => ids.indexOf(id) !== index))];
      if (repeated.length > 0) {
        return {
          pass: false,
          message: `${repeated.join(', ')} was delivered ${attempts.filter((d) => webhookId(d) === repeated[0]).length} times and handled more than once: the customer got ${ids.length} emails for ${new Set(ids).size} videos.`,
        };
      }
      const finished = new Set(
        attempts.filter((delivery) => (delivery.status ?? 0) < 300).map(webhookId),
      );
      if (ids.length < 2) {
        return {
          pass: false,
          message: `Only ${ids.length} email(s) went out; each video needs one.`,
        };
      }
      return {
        pass: true,
        message: `${retried.map(webhookId).join(', ')} came again and was handled once: ${ids.length} emails, one per video (${finished.size} webhooks acknowledged).`,
      };
    },
  },
  {
    id: 'acknowledge-first',
    title: 'Answer within the timeout, do the work afterwards',
    task: 'The receiver copies the file before it answers, and holiday.mp4 takes longer to copy than the provider waits, so every attempt counts as failed and the provider gives up. Make the receiver answer 2xx as soon as the delivery is verified, and copy and email afterwards.',
    hint: 'In receiver.ts, start handle() without awaiting it (catch its errors so none goes unhandled), then return the response. Real systems put the event on a queue here.',
    check(run) {
      const attempts = deliveries(run);
      if (attempts.length === 0) {
        return { pass: false, message: 'The provider delivered no webhook in this run.' };
      }
      const unanswered = attempts.find((delivery) => delivery.status === undefined);
      if (unanswered) {
        return {
          pass: false,
          message: `${webhookId(unanswered)} got no answer before the provider stopped waiting; the receiver must answer before it copies.`,
        };
      }
      const ids = new Set(attempts.map(webhookId));
      const acknowledged = new Set(
        attempts.filter((delivery) => (delivery.status ?? 0) < 300).map(webhookId),
      );
      const missing = [...ids].filter((id) => !acknowledged.has(id));
      if (missing.length > 0) {
        return { pass: false, message: `${missing.join(', ')} was never acknowledged with a 2xx.` };
      }
      const emails = emailsOf(run) ?? [];
      if (emails.length < ids.size) {
        return {
          pass: false,
          message: `Every delivery was answered, but only ${emails.length} email(s) went out for ${ids.size} videos: the work must still happen.`,
        };
      }
      return {
        pass: true,
        message: `All ${attempts.length} deliveries were answered in time and ${emails.length} emails went out.`,
      };
    },
  },
];
