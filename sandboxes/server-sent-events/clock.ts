// GET /clock: one "tick" event per interval on each connection, for the seven tabs in tabs.ts.
// Each tab's stream stays open until the tab closes it, and holds a connection all that time.
const encoder = new TextEncoder();

export function clock(request: Request, intervalMs: number): Response {
  let timer: ReturnType<typeof setInterval> | undefined;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      let tick = 0;
      timer = setInterval(() => {
        controller.enqueue(encoder.encode(`event: tick\ndata: ${++tick}\n\n`));
      }, intervalMs);
      // The tab closed its EventSource: stop ticking.
      request.signal.addEventListener('abort', () => clearInterval(timer));
    },
    cancel: () => clearInterval(timer), // the connection broke
  });
  return new Response(body, {
    headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' },
  });
}
