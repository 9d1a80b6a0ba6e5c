/**
 * A streaming parser for `text/event-stream`, following the WHATWG HTML "Server-sent events"
 * interpretation rules. Environment-neutral and pure: the in-page runtime and the Node harness both
 * feed it decoded text so their traces show the same events.
 */

/** One parsed block of an event stream, as the trace records it. */
export interface SseEvent {
  /** The `id` field, when the stream set one since the previous event (an empty string resets it). */
  id?: string;
  /** The `event` field (the event type); absent means the default type, "message". */
  event?: string;
  /** The `data` lines joined with "\n". Empty for comments. */
  data: string;
  /** A valid `retry` field (milliseconds) seen since the previous event. */
  retry?: number;
  /** A comment line (`: keep-alive`) without its colon and one leading space; emitted on its own. */
  comment?: string;
}

export interface SseParser {
  /** Feeds the next chunk from a UTF-8 decoder that strips a leading BOM (TextDecoder does); chunks may split lines, and even a CR LF pair, anywhere. */
  push(chunk: string): void;
}

/**
 * Creates a parser that calls `onEvent` for every dispatched event and every comment line.
 *
 * @example
 * const parser = createSseParser((event) => console.log(event));
 * parser.push('id: 1\ndata: hel');
 * parser.push('lo\n\n'); // logs { id: '1', data: 'hello' }
 * parser.push(': keep-alive\n'); // logs { data: '', comment: 'keep-alive' }
 */
export function createSseParser(onEvent: (event: SseEvent) => void): SseParser {
  // No BOM handling here: the UTF-8 decoder in front strips one leading BOM, as the spec's does,
  // and a second one is part of the first field's name (web-platform-tests format-bom-2).
  let buffer = '';
  // A CR at the end of a chunk may be the first half of CR LF; skip a LF that opens the next chunk.
  let skipLf = false;
  let data: string[] = [];
  let type: string | undefined;
  let id: string | undefined;
  let retry: number | undefined;

  const dispatch = (): void => {
    // The spec dispatches nothing for a block without data, but keeps its id and retry for later.
    if (data.length === 0) {
      type = undefined;
      return;
    }
    const event: SseEvent = { data: data.join('\n') };
    if (id !== undefined) event.id = id;
    if (type !== undefined && type !== '') event.event = type;
    if (retry !== undefined) event.retry = retry;
    data = [];
    type = undefined;
    id = undefined;
    retry = undefined;
    onEvent(event);
  };

  const line = (text: string): void => {
    if (text === '') return dispatch();
    if (text.startsWith(':')) {
      onEvent({ data: '', comment: text.slice(1).replace(/^ /, '') });
      return;
    }
    const colon = text.indexOf(':');
    const field = colon === -1 ? text : text.slice(0, colon);
    const value = colon === -1 ? '' : text.slice(colon + 1).replace(/^ /, '');
    if (field === 'data') data.push(value);
    else if (field === 'event') type = value;
    else if (field === 'id') {
      if (!value.includes('\0')) id = value;
    } else if (field === 'retry') {
      if (/^[0-9]+$/.test(value)) retry = Number(value);
    }
  };

  return {
    push(chunk: string): void {
      if (chunk === '') return;
      if (skipLf && chunk.startsWith('\n')) chunk = chunk.slice(1);
      skipLf = false;
      buffer += chunk;
      let start = 0;
      for (let i = 0; i < buffer.length; i++) {
        const char = buffer[i];
        if (char !== '\n' && char !== '\r') continue;
        line(buffer.slice(start, i));
        if (char === '\r') {
          if (i + 1 === buffer.length) skipLf = true;
          else if (buffer[i + 1] === '\n') i++;
        }
        start = i + 1;
      }
      buffer = buffer.slice(start);
    },
  };
}
