// Exercises for this sandbox: the page checks them after every Run; solutions/ has one way to pass each.
import { httpExchanges, parseJson, type Exercise } from '#exercise';

const LIMIT = 1024;

const uploads = (run: Parameters<Exercise['check']>[0]) =>
  httpExchanges(run.trace).filter(
    (exchange) => exchange.method === 'POST' && exchange.path === '/uploads',
  );

/** Bytes in each request's body, by exchange id: what Content-Length counts, not what JSON says. */
const bodySizes = (run: Parameters<Exercise['check']>[0]) =>
  new Map(
    run.trace.flatMap((event) =>
      event.kind === 'request' ? [[event.exchange, event.bodySize] as const] : [],
    ),
  );

export const exercises: Exercise[] = [
  {
    id: 'limit-size',
    title: 'Refuse bodies over 1 KB with 413',
    task: 'The server reads whatever body it is sent. Make it answer 413 Content Too Large, with a reason, when the request body is over 1 KB (1,024 bytes), before parsing it, and make the client send one such request (a very long fileName will do). Smaller bodies must still get 201.',
    hint: 'The request says how big its body is in the Content-Length header: compare Number(request.headers.get("content-length")) with the limit, then return Response.json({ error: … }, { status: 413 }).',
    check(run) {
      const all = uploads(run);
      const sizes = bodySizes(run);
      const big = all.filter((exchange) => (sizes.get(exchange.id) ?? 0) > LIMIT);
      if (big.length === 0) {
        return {
          pass: false,
          message:
            'No request body over 1,024 bytes was sent: have the client send one, for example a fileName of 2,000 characters.',
        };
      }
      const wrong = big.find((exchange) => exchange.status !== 413);
      if (wrong) {
        return {
          pass: false,
          message: `A body of ${sizes.get(wrong.id)} bytes got ${wrong.status ?? 'no answer'}; it should get 413.`,
        };
      }
      const reason = (parseJson(big[0]?.responseBody ?? '') as { error?: unknown } | undefined)
        ?.error;
      if (typeof reason !== 'string' || reason === '') {
        return {
          pass: false,
          message: 'The 413 has no reason: answer with a JSON body like { "error": "…" }.',
        };
      }
      const small = all.filter((exchange) => (sizes.get(exchange.id) ?? Infinity) <= LIMIT);
      if (!small.some((exchange) => exchange.status === 201)) {
        return {
          pass: false,
          message: 'No body of 1,024 bytes or less got 201 any more: keep accepting those.',
        };
      }
      return {
        pass: true,
        message: `Bodies over 1 KB get 413 (“${reason}”), and smaller ones still get 201.`,
      };
    },
  },
  {
    id: 'idempotency-key',
    title: 'Make a retried POST safe with an Idempotency-Key',
    task: 'A client that loses a response retries its POST. Make the client send its first upload twice with the same Idempotency-Key header, and make the server answer the repeat with the upload it already stored (the same id) instead of storing it again.',
    hint: 'Keep a Map from key to stored upload on the server; look the key up before storing.',
    check(run) {
      const keyed = new Map<string, Array<ReturnType<typeof uploads>[number]>>();
      for (const exchange of uploads(run)) {
        const key = exchange.requestHeaders.get('idempotency-key');
        if (key) keyed.set(key, [...(keyed.get(key) ?? []), exchange]);
      }
      const repeated = [...keyed.entries()].find(([, exchanges]) => exchanges.length > 1);
      if (!repeated) {
        return {
          pass: false,
          message: 'No two POSTs carried the same Idempotency-Key header yet.',
        };
      }
      const [key, exchanges] = repeated;
      const ids = exchanges.map(
        (exchange) => (parseJson(exchange.responseBody) as { id?: unknown } | undefined)?.id,
      );
      const statuses = exchanges.map((exchange) => exchange.status ?? 0);
      if (statuses.some((status) => status < 200 || status > 299)) {
        return {
          pass: false,
          message: `The key “${key}” got ${statuses.join(' and ')}: every attempt should succeed.`,
        };
      }
      if (ids[0] === undefined || ids.some((id) => id !== ids[0])) {
        return {
          pass: false,
          message: `The key “${key}” got ids ${ids.map(String).join(' and ')}: the server stored the upload more than once.`,
        };
      }
      return {
        pass: true,
        message: `${exchanges.length} POSTs with the key “${key}” all got upload ${String(ids[0])}: the retry stored nothing new.`,
      };
    },
  },
];
