// Exercises for this sandbox: the page checks them after every Run; solutions/ has one way to pass each.
import { httpExchanges, type Exercise } from '#exercise';

export const exercises: Exercise[] = [
  {
    id: 'take-out-of-rotation',
    title: 'Take a draining instance out of rotation',
    task: 'Draining keeps app-1’s work from being lost, but lb still sends a job to it while it restarts, and the user gets its 503. Make lb treat a 503 from an instance as “not ready”: send that same request to the next instance, and before giving the instance traffic again, ask its GET /ready and wait for a 200. Every job should then succeed.',
    hint: 'Keep a Set of instances that answered 503. Loop over the instances at most once per request; the body is already buffered, so it can be sent twice.',
    check(run) {
      const exchanges = httpExchanges(run.trace);
      const drained = exchanges.find((exchange) => exchange.path === '/drain');
      if (drained?.status !== 202) {
        return {
          pass: false,
          message: 'No restart was asked for (POST /drain, 202): keep deploy.ts.',
        };
      }
      const jobs = exchanges.filter(
        (exchange) => exchange.from === 'client' && exchange.path === '/work',
      );
      const failed = jobs.filter((exchange) => exchange.status !== 200);
      if (jobs.length === 0 || failed.length > 0) {
        return {
          pass: false,
          message: `${failed.length} of ${jobs.length} jobs failed for the user (${failed.map((exchange) => exchange.status ?? 'no answer').join(', ')}): lb must not pass a draining instance’s 503 on.`,
        };
      }
      const refused = exchanges.filter(
        (exchange) =>
          exchange.from === 'lb' && exchange.path === '/work' && exchange.status === 503,
      );
      const probes = exchanges.filter(
        (exchange) => exchange.from === 'lb' && exchange.path === '/ready',
      );
      const back = probes.find(
        (probe) => probe.status === 200 && refused.some((r) => r.to === probe.to),
      );
      if (refused.length > 0 && !back) {
        return {
          pass: false,
          message: `Every job succeeded, but lb never asked ${refused[0]?.to}’s GET /ready before sending it work again.`,
        };
      }
      return {
        pass: true,
        message: `All ${jobs.length} jobs succeeded: ${refused.length} 503(s) went to the next instance, and ${back?.to ?? 'the instance'} came back after GET /ready said 200.`,
      };
    },
  },
];
