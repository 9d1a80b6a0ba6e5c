// Exercises for this sandbox: the page checks them after every Run; solutions/ has one way to pass each.
import { httpExchanges, parseJson, type Exercise, type ExerciseRun } from '#exercise';

const reports = (run: ExerciseRun, client?: string) =>
  httpExchanges(run.trace).filter(
    (exchange) =>
      exchange.path === '/report' &&
      exchange.to === 'server' &&
      (client === undefined || exchange.from === client),
  );

const DB_CONNECTIONS = 4;

export const exercises: Exercise[] = [
  {
    id: 'pool-timeout',
    title: 'Give up on a connection after 300 ms in line',
    task: 'Like node-postgres’s connectionTimeoutMillis, make the http1 client give up on a request that has waited 300 ms for a free connection: it must fail without ever reaching the server, the run must still end cleanly, and the client must log how many requests gave up.',
    hint: 'Let pool.ts acquire() take a timeout: a timer that removes the waiter from the line and rejects. In http1.ts, catch that rejection, count it, and draw the waterfall for the requests that were sent.',
    check(run) {
      if (!run.ok) {
        return {
          pass: false,
          message:
            'The run ended with an error: a request that gives up must not crash the client. Catch the timeout and count it.',
        };
      }
      const sent = reports(run, 'http1');
      if (sent.length === 0) {
        return { pass: false, message: 'http1 sent no request to the server at all.' };
      }
      if (sent.length >= 30) {
        return {
          pass: false,
          message: `All ${sent.length} http1 requests reached the server, however long they had waited for a connection: none gave up.`,
        };
      }
      const failed = sent.filter((exchange) => exchange.status !== 200);
      if (failed.length > 0) {
        return {
          pass: false,
          message: `${failed.length} of the requests http1 did send got no 200: only the ones that gave up in line should fail.`,
        };
      }
      const said = run.logs.some(
        (line) =>
          line.host === 'http1' && /gave up|giving up|give up|timed? ?out|timeout/i.test(line.text),
      );
      if (!said) {
        return {
          pass: false,
          message: `Only ${sent.length} of 30 requests reached the server, but http1 never said so: log how many gave up.`,
        };
      }
      return {
        pass: true,
        message: `${sent.length} requests got a connection in time and were answered; the other ${30 - sent.length} gave up in line and never reached the server.`,
      };
    },
  },
  {
    id: 'database-pool',
    title: 'Put a pool of 4 database connections behind the server',
    task: `The server’s database accepts only ${DB_CONNECTIONS} connections, yet up to 36 requests arrive at once. Make server.ts run at most ${DB_CONNECTIONS} queries (the sleep) at a time through a pool, so the rest wait in the server, and add to every /report answer the number of the connection it used as "db" (1 to ${DB_CONNECTIONS}).`,
    hint: 'server.ts can import createPool from pool.ts too: acquire() before the sleep, release() after it (in a finally), and put the lease’s slot in the JSON.',
    check(run) {
      const answered = reports(run).filter((exchange) => exchange.status === 200);
      if (answered.length === 0) {
        return { pass: false, message: 'No /report request was answered with 200.' };
      }
      const bodies = answered.map(
        (exchange) =>
          (parseJson(exchange.responseBody) ?? {}) as { db?: unknown; workMs?: unknown },
      );
      const unlabelled = bodies.filter((body) => typeof body.db !== 'number').length;
      if (unlabelled > 0) {
        return {
          pass: false,
          message: `${unlabelled} of ${answered.length} answers have no numeric "db" field saying which database connection ran the query.`,
        };
      }
      const connections = new Set(bodies.map((body) => body.db));
      if (connections.size > DB_CONNECTIONS) {
        return {
          pass: false,
          message: `The answers name ${connections.size} different database connections (${[...connections].join(', ')}); the database allows ${DB_CONNECTIONS}.`,
        };
      }
      // Four connections can do at most four queries at once: the batch cannot end sooner than that.
      const workMs = bodies.reduce(
        (sum, body) => sum + (typeof body.workMs === 'number' ? body.workMs : 0),
        0,
      );
      const minimumMs = workMs / DB_CONNECTIONS;
      const times = run.trace.flatMap((event) =>
        (event.kind === 'request' || event.kind === 'response') &&
        (event.to === 'server' || event.from === 'server')
          ? [event.t]
          : [],
      );
      const tookMs = Math.max(...times) - Math.min(...times);
      if (tookMs < minimumMs * 0.7) {
        return {
          pass: false,
          message: `The ${answered.length} queries need ${Math.round(workMs)} ms of work, at least ${Math.round(minimumMs)} ms through ${DB_CONNECTIONS} connections, yet the server was done after ${Math.round(tookMs)} ms: more than ${DB_CONNECTIONS} queries ran at once.`,
        };
      }
      return {
        pass: true,
        message: `${answered.length} requests shared ${connections.size} database connections and took ${Math.round(tookMs)} ms: many requests in, ${DB_CONNECTIONS} connections out, and the rest waited in line.`,
      };
    },
  },
];
