/**
 * A streamed response body across the in-page network: each chunk (and each SSE event) is traced
 * as it crosses, delivered one latency later in order, and the flow stops both ways when the client
 * aborts or an end is dropped.
 */
import { createSseParser } from '../http/sse-parser';
import { bodyPreview } from '../trace/events';
import type { TraceDraft } from './network-types';

/** Everything one streamed body needs from the network that routed its exchange. */
export interface StreamLink {
  exchange: string;
  /** The host that answers. */
  from: string;
  /** The one that asked. */
  to: string;
  response: Response;
  record(event: TraceDraft): void;
  /** Reports a failure of the host's stream. */
  reportError(error: unknown): void;
  /** The added latency per hop now (the reader may change it mid-run). */
  latencyMs(): number;
  /** Registers how to cut this stream when an end is dropped; returns the way to unregister. */
  trackOpen(cut: (reason: string) => void): () => void;
  /** Sets (or, with undefined, clears) what the client's abort does to this exchange. */
  onClientAbort(stop: (() => void) | undefined): void;
  /** Traces the exchange's last event and frees its connection slot. */
  end(event: TraceDraft): void;
}

/** Passes a streamed body through, tracing each chunk (and each SSE event) as it crosses the network. */
export function tapStream(link: StreamLink): ReadableStream<Uint8Array> {
  const { exchange, from, to, response, record } = link;
  if (!response.body) throw new TypeError('tapStream needs a response with a body');
  const reader = response.body.getReader();
  const isSse = (response.headers.get('content-type') ?? '').startsWith('text/event-stream');
  const decoder = new TextDecoder();
  const parser = isSse
    ? createSseParser((event) => record({ kind: 'sse-event', exchange, from, to, ...event }))
    : undefined;
  let total = 0;
  let done = false;
  let lastDue = 0;
  /** Stops the flow both ways: the host's stream is cancelled, the client's one ends. */
  const stop = (reason: string, ending: TraceDraft, fail?: Error): void => {
    if (done) return;
    done = true;
    untrack();
    link.onClientAbort(undefined);
    link.end(ending);
    if (fail) output?.error(fail);
    void reader.cancel(reason).catch(() => undefined);
  };
  let output: ReadableStreamDefaultController<Uint8Array> | undefined;
  const untrack = link.trackOpen((reason) =>
    stop(
      reason,
      { kind: 'error', exchange, from, to, message: reason },
      new TypeError(`network error: ${reason}`),
    ),
  );
  // The client's abort (fetch signal, EventSource.close) cancels the host's stream, as a closed
  // socket would.
  const clientGone = (): void =>
    stop('the client went away', { kind: 'abort', exchange, from: to, to: from });
  link.onClientAbort(clientGone);

  // Chunks are read as soon as the host writes them and each is delivered one latency later, so
  // a burst arrives together, late, rather than spread out by the latency.
  const deliver = (
    controller: ReadableStreamDefaultController<Uint8Array>,
    chunk: ReadableStreamReadResult<Uint8Array>,
  ): void => {
    if (done) return;
    if (chunk.done) {
      done = true;
      untrack();
      link.onClientAbort(undefined);
      link.end({ kind: 'body-end', exchange, from, to, size: total });
      controller.close();
      return;
    }
    const bytes =
      chunk.value instanceof Uint8Array ? chunk.value : new Uint8Array(chunk.value as ArrayBuffer);
    total += bytes.byteLength;
    record({
      kind: 'body-chunk',
      exchange,
      from,
      to,
      size: bytes.byteLength,
      preview: bodyPreview(bytes),
    });
    parser?.push(decoder.decode(bytes, { stream: true }));
    controller.enqueue(bytes);
  };
  const pump = async (controller: ReadableStreamDefaultController<Uint8Array>) => {
    for (;;) {
      const chunk = await reader
        .read()
        .catch((error: unknown): ReadableStreamReadResult<Uint8Array> => {
          if (!done) link.reportError(error);
          return { done: true, value: undefined };
        });
      if (done) return;
      // Due times only grow and timers fire in order, so chunks keep their order.
      const due = Math.max(lastDue, performance.now() + link.latencyMs());
      lastDue = due;
      const wait = due - performance.now();
      if (wait <= 0) deliver(controller, chunk);
      else setTimeout(() => deliver(controller, chunk), wait);
      if (chunk.done) return;
    }
  };
  return new ReadableStream<Uint8Array>({
    start: (controller) => {
      output = controller;
      void pump(controller);
    },
    cancel: clientGone,
  });
}
