/**
 * A streaming parser for `text/event-stream`, following the WHATWG HTML "Server-sent events"
 * interpretation rules. Environment-neutral and pure: the trace recorder feeds it the decoded body
 * of an event stream, in the page and in Node, so both traces show the same events. It runs beside
 * reader code in the page's worker, so it calls only built-ins captured before that code ran.
 */
import { append, stringIndexOf, stringSlice, toNumber } from '../trace/intrinsics.ts';

/** The field value after the colon: one leading space is not part of it. */
const valueAfter = (text: string, start: number): string =>
  stringSlice(text, text[start] === ' ' ? start + 1 : start);
/** True when `text` is one or more ASCII digits (a valid `retry` value). */
function isDigits(text: string): boolean {
  if (text === '') return false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i] ?? '';
    if (char < '0' || char > '9') return false;
  }
  return true;
}
/** The data lines joined with LF, as the spec's data buffer (without its trailing LF). */
function joinLines(lines: string[]): string {
  let joined = lines[0] ?? '';
  for (let i = 1; i < lines.length; i++) joined += `\n${lines[i] ?? ''}`;
  return joined;
}

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
    // Spread, not assignment: a setter on Object.prototype would take an assigned field.
    const event: SseEvent = {
      data: joinLines(data),
      ...(id === undefined ? {} : { id }),
      ...(type === undefined || type === '' ? {} : { event: type }),
      ...(retry === undefined ? {} : { retry }),
    };
    data = [];
    type = undefined;
    id = undefined;
    retry = undefined;
    onEvent(event);
  };

  const line = (text: string): void => {
    if (text === '') return dispatch();
    if (text[0] === ':') {
      onEvent({ data: '', comment: valueAfter(text, 1) });
      return;
    }
    const colon = stringIndexOf(text, ':');
    const field = colon === -1 ? text : stringSlice(text, 0, colon);
    const value = colon === -1 ? '' : valueAfter(text, colon + 1);
    if (field === 'data') append(data, value);
    else if (field === 'event') type = value;
    else if (field === 'id') {
      if (stringIndexOf(value, '\0') === -1) id = value;
    } else if (field === 'retry') {
      if (isDigits(value)) retry = toNumber(value);
    }
  };

  return {
    push(chunk: string): void {
      if (chunk === '') return;
      if (skipLf && chunk[0] === '\n') chunk = stringSlice(chunk, 1);
      skipLf = false;
      buffer += chunk;
      let start = 0;
      for (let i = 0; i < buffer.length; i++) {
        const char = buffer[i];
        if (char !== '\n' && char !== '\r') continue;
        line(stringSlice(buffer, start, i));
        if (char === '\r') {
          if (i + 1 === buffer.length) skipLf = true;
          else if (buffer[i + 1] === '\n') i++;
        }
        start = i + 1;
      }
      buffer = stringSlice(buffer, start);
    },
  };
}
