// Exercises for this sandbox: the page checks them after every Run; solutions/ has one way to pass each.
import { httpExchanges, type Exercise, type ExerciseRun } from '#exercise';

/** Every HTTP exchange with its timings: when it was sent, answered or aborted. */
const calls = (run: ExerciseRun) => httpExchanges(run.trace);

const BUDGET_MS = 600;

export const exercises: Exercise[] = [
  {
    id: 'cancel-upstream',
    title: 'Cancel the call behind a caller that gave up',
    task: 'When orders-sidecar’s attempt times out, payments-sidecar is left waiting for payments-app, for ever. Make payments-sidecar cancel its call to payments-app as soon as the request it is serving is abandoned by its caller.',
    hint: 'A host’s request.signal fires when the caller goes away: hand it to the fetch in inbound() in sidecar.ts.',
    check(run) {
      const all = calls(run);
      const stuck = all.filter(
        (call) =>
          call.from === 'payments-sidecar' &&
          call.to === 'payments-app' &&
          call.answered === undefined,
      );
      if (stuck.length === 0) {
        return {
          pass: false,
          message:
            'payments-app answered every call in this run, so there was nothing to cancel: set “…then hangs on the next” to 1 or more.',
        };
      }
      const callerAborts = all
        .filter((call) => call.to === 'payments-sidecar' && call.aborted !== undefined)
        .map((call) => call.aborted as number);
      for (const call of stuck) {
        if (call.aborted === undefined) {
          return {
            pass: false,
            message: `payments-sidecar’s ${call.id} (${call.path}, sent at ${Math.round(call.sent)} ms) was never answered and never cancelled: it kept waiting after orders-sidecar had given up.`,
          };
        }
        const gaveUp = callerAborts.filter((t) => t <= (call.aborted as number) + 5).at(-1);
        const lagMs = gaveUp === undefined ? undefined : call.aborted - gaveUp;
        if (lagMs === undefined || lagMs > 1000) {
          return {
            pass: false,
            message: `payments-sidecar cancelled ${call.id} at ${Math.round(call.aborted)} ms, but not in step with its caller: cancel it when the caller gives up.`,
          };
        }
      }
      return {
        pass: true,
        message: `payments-sidecar cancelled ${stuck.length === 1 ? 'its stuck call' : `${stuck.length} stuck calls`} to payments-app as soon as orders-sidecar gave up: nothing is left waiting for an answer nobody wants.`,
      };
    },
  },
  {
    id: 'call-deadline',
    title: `Give the whole call a ${BUDGET_MS} ms deadline`,
    task: `Retries multiply the wait: orders-app waits over a second for its first payment. Give each call through orders-sidecar ${BUDGET_MS} ms in all (attempts and backoff included, like Envoy’s route timeout next to its per-try timeout): start no attempt or backoff that would run past it, cut the last attempt’s timeout to the time left, and answer 504 when it is spent.`,
    hint: 'In outbound.ts, compute a deadline before the loop; use Math.min(timeoutMs, deadline − now) for each attempt, and return the 504 when now + backoff reaches the deadline.',
    check(run) {
      const charges = calls(run).filter(
        (call) => call.from === 'orders-app' && call.to === 'orders-sidecar',
      );
      if (charges.length === 0) {
        return { pass: false, message: 'orders-app sent no call to orders-sidecar.' };
      }
      const limitMs = BUDGET_MS + 350; // the deadline, plus room for a busy machine
      const slow = charges.find(
        (call) => call.answered === undefined || call.answered - call.sent > limitMs,
      );
      if (slow) {
        const took =
          slow.answered === undefined ? 'no answer' : `${Math.round(slow.answered - slow.sent)} ms`;
        return {
          pass: false,
          message: `orders-app waited ${took} for ${slow.path}: no call should take much longer than ${BUDGET_MS} ms.`,
        };
      }
      const timedOut = charges.filter((call) => call.status === 504);
      if (timedOut.length === 0) {
        return {
          pass: false,
          message: `Every call was answered within ${BUDGET_MS} ms, but none ran out of time with a 504: keep payments-app failing (the default params) so the deadline has to stop the retries.`,
        };
      }
      const early = timedOut.find(
        (call) => (call.answered as number) - call.sent < BUDGET_MS * 0.75,
      );
      if (early) {
        return {
          pass: false,
          message: `${early.path} got 504 after ${Math.round((early.answered as number) - early.sent)} ms: use the ${BUDGET_MS} ms budget before giving up.`,
        };
      }
      const paid = charges.filter((call) => call.status === 200).length;
      return {
        pass: true,
        message: `${timedOut.length} call${timedOut.length === 1 ? '' : 's'} gave up with 504 after about ${BUDGET_MS} ms instead of retrying on, and ${paid} went through: every call ended within its deadline.`,
      };
    },
  },
];
