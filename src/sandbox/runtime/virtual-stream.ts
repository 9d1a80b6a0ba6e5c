/**
 * A streamed response body across the in-page network: each chunk is traced as it crosses (the
 * recorder reads SSE events out of an event stream), delivered one latency later in order, and the
 * flow stops both ways when the client aborts or an end is dropped.
 */
import type { Route, TraceRecorder } from '../trace/recorder';
import {
  OriginalUint8Array,
  cancelReader,
  later,
  mathMax,
  now,
  readChunk,
  streamReader,
} from './intrinsics';

/** Everything one streamed body needs from the network that routed its exchange. */
export interface StreamLink {
  /** The exchange, from the host that answers to the one that asked. */
  route: Route;
  /** The host's response body, read with the engine's own reader. */
  body: ReadableStream<Uint8Array>;
  /** The run's recorder: it traces each chunk, and the SSE events of an event stream. */
  recorder: TraceRecorder;
  /** Reports a failure of the host's stream. */
  reportError(error: unknown): void;
  /** The added latency per hop now (the reader may change it mid-run). */
  latencyMs(): number;
  /** Registers how to cut this stream when an end is dropped; returns the way to unregister. */
  trackOpen(cut: (reason: string) => void): () => void;
  /** Sets (or, with undefined, clears) what the client's abort does to this exchange. */
  onClientAbort(stop: (() => void) | undefined): void;
  /** Ends the exchange once: frees its connection slot and runs `trace` (its last event). */
  end(trace: () => void): void;
}

/** Passes a streamed body through, tracing each chunk (and each SSE event) as it crosses the network. */
export function tapStream(link: StreamLink): ReadableStream<Uint8Array> {
  const { route, recorder } = link;
  const reader = streamReader(link.body);
  let total = 0;
  let done = false;
  let lastDue = 0;
  /** Stops the flow both ways: the host's stream is cancelled, the client's one ends. */
  const stop = (reason: string, ending: () => void, fail?: Error): void => {
    if (done) return;
    done = true;
    untrack();
    link.onClientAbort(undefined);
    link.end(ending);
    if (fail) output?.error(fail);
    void cancelReader(reader, reason).catch(() => undefined);
  };
  let output: ReadableStreamDefaultController<Uint8Array> | undefined;
  const untrack = link.trackOpen((reason) =>
    stop(reason, () => recorder.error(route, reason), new TypeError(`network error: ${reason}`)),
  );
  // The client's abort (fetch signal, EventSource.close) cancels the host's stream, as a closed
  // socket would.
  const asker = { exchange: route.exchange, from: route.to, to: route.from };
  const clientGone = (): void => stop('the client went away', () => recorder.abort(asker));
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
      link.end(() => recorder.bodyEnd(route, total));
      controller.close();
      return;
    }
    // A copy made by the engine's own constructor: the same bytes, whatever `instanceof` would say.
    const bytes = new OriginalUint8Array(chunk.value);
    total += bytes.byteLength;
    recorder.bodyChunk(route, bytes);
    controller.enqueue(bytes);
  };
  const pump = async (controller: ReadableStreamDefaultController<Uint8Array>) => {
    for (;;) {
      const chunk = await readChunk(reader).catch(
        (error: unknown): ReadableStreamReadResult<Uint8Array> => {
          if (!done) link.reportError(error);
          return { done: true, value: undefined };
        },
      );
      if (done) return;
      // Due times only grow and timers fire in order, so chunks keep their order.
      const due = mathMax(lastDue, now() + link.latencyMs());
      lastDue = due;
      const wait = due - now();
      if (wait <= 0) deliver(controller, chunk);
      else later(() => deliver(controller, chunk), wait);
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
