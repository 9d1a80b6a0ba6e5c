// What the server answers on a stream, by :path. A handler calls
// `respond` when done and returns how to cancel it: a reset stream
// should stop its work, which is what a server does for free…
// or not, as the Rapid Reset attack showed.
type Respond = (status: number, body: Uint8Array, type: string) => void;

export const work = { started: 0, finished: 0, cancelled: 0 };

export function routeOf(path: string, params: Record<string, number>, respond: Respond) {
  const url = new URL(path, 'http://server');
  if (url.pathname === '/export') {
    // A big response: responseKb KiB of CSV rows, ready at once.
    const size = (params.responseKb ?? 256) * 1024;
    const row = 'order,2026-12-06,shipped,42.00\n';
    const text = row.repeat(Math.ceil(size / row.length)).slice(0, size);
    respond(200, new TextEncoder().encode(text), 'text/csv');
    return undefined;
  }
  if (url.pathname === '/report') {
    // A small answer after some work: report #n takes 40 + 30·n ms.
    const n = Number(url.searchParams.get('n') ?? '1');
    work.started += 1;
    const timer = setTimeout(
      () => {
        work.finished += 1;
        respond(200, new TextEncoder().encode(JSON.stringify({ n })), 'application/json');
      },
      40 + 30 * n,
    );
    return () => {
      clearTimeout(timer);
      work.cancelled += 1;
    };
  }
  respond(404, new TextEncoder().encode('not found'), 'text/plain');
  return undefined;
}
