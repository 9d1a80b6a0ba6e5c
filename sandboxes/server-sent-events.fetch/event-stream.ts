// What EventSource does for free, written out: read a text/event-stream body and yield its events,
// following the parsing rules of WHATWG HTML §9.2.6 (lines, fields, comments, blank-line dispatch).
export interface StreamEvent {
  /** The event type: the event: field, or "message" without one. */
  type: string;
  /** The data: lines, joined with "\n". */
  data: string;
  /** The last event id after this event: what to send as Last-Event-ID on a reconnect. */
  lastEventId: string;
}

/** What the stream said besides events: a new retry: delay, or its last event id. */
export interface StreamState {
  retryMs?: number;
  lastEventId: string;
}

/**
 * The events of a stream as they arrive. `state` is updated as fields are read, so after the loop
 * (even one ended by a dropped connection) it holds the id and delay to reconnect with.
 */
export async function* readEvents(
  body: ReadableStream<Uint8Array>,
  state: StreamState,
): AsyncGenerator<StreamEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder(); // UTF-8 only, as the standard says
  let buffer = '';
  let type = '';
  let data: string[] = [];
  let idBuffer = state.lastEventId;
  for (;;) {
    const { done, value: chunk } = await reader.read(); // rejects when the connection breaks
    if (done) break;
    buffer += decoder.decode(chunk, { stream: true }); // a character may span two chunks
    // A line ends at CRLF, LF or CR; a CR at the very end may be half of a CRLF still on its way.
    const parts = buffer.split(/\r\n|\n|\r(?!$)/);
    buffer = parts.pop() ?? '';
    for (const line of parts) {
      if (line === '') {
        // A blank line dispatches. The id is taken even when no data came (§9.2.6).
        state.lastEventId = idBuffer;
        if (data.length > 0)
          yield { type: type || 'message', data: data.join('\n'), lastEventId: idBuffer };
        type = '';
        data = [];
        continue;
      }
      if (line.startsWith(':')) continue; // a comment, such as a keep-alive
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'data') data.push(value);
      else if (field === 'event') type = value;
      else if (field === 'id' && !value.includes('\0')) idBuffer = value;
      else if (field === 'retry' && /^\d+$/.test(value)) state.retryMs = Number(value);
    }
  }
  // An event without its blank line when the body ends is thrown away, never half-delivered.
}
