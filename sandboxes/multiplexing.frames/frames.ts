// HTTP/2 frames as RFC 9113 writes them: a 9-byte header (length,
// type, flags, stream id) and a payload. These bytes are real: the
// test beside this sandbox sends them to Node's own HTTP/2 server.
// Header blocks use HPACK's simplest form, literal fields with no
// table and no Huffman coding (RFC 7541 §6.2.2): valid, just long.
export const PREFACE = 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n';

export const TYPE = {
  DATA: 0x0,
  HEADERS: 0x1,
  RST_STREAM: 0x3,
  SETTINGS: 0x4,
  PING: 0x6,
  GOAWAY: 0x7,
  WINDOW_UPDATE: 0x8,
} as const;

export const FLAG = { END_STREAM: 0x1, ACK: 0x1, END_HEADERS: 0x4 } as const;

export const SETTING = {
  MAX_CONCURRENT_STREAMS: 0x3,
  INITIAL_WINDOW_SIZE: 0x4,
  MAX_FRAME_SIZE: 0x5,
} as const;

export const ERROR = {
  NO_ERROR: 0x0,
  PROTOCOL_ERROR: 0x1,
  INTERNAL_ERROR: 0x2,
  FLOW_CONTROL_ERROR: 0x3,
  REFUSED_STREAM: 0x7,
  CANCEL: 0x8,
  ENHANCE_YOUR_CALM: 0xb,
} as const;

// Every window starts at 65,535 octets, and no frame carries more
// than 16,384 until a peer allows it (RFC 9113 §6.5.2, §6.9.2).
export const DEFAULT_WINDOW = 65_535;
export const DEFAULT_MAX_FRAME = 16_384;

export interface Frame {
  type: number;
  flags: number;
  streamId: number;
  payload: Uint8Array;
}

export function encode(frame: Frame): Uint8Array {
  const out = new Uint8Array(9 + frame.payload.byteLength);
  const view = new DataView(out.buffer);
  view.setUint32(0, frame.payload.byteLength << 8); // 24-bit length
  view.setUint8(3, frame.type);
  view.setUint8(4, frame.flags);
  view.setUint32(5, frame.streamId & 0x7fffffff);
  out.set(frame.payload, 9);
  return out;
}

/** Every whole frame in `bytes`; a WebSocket message carries whole frames only. */
export function decode(bytes: Uint8Array): Frame[] {
  const frames: Frame[] = [];
  let at = 0;
  while (at < bytes.byteLength) {
    if (bytes.byteLength - at < 9) throw new Error('a truncated frame header');
    const view = new DataView(bytes.buffer, bytes.byteOffset + at);
    const length = view.getUint32(0) >>> 8;
    const end = at + 9 + length;
    if (end > bytes.byteLength) throw new Error('a truncated frame payload');
    frames.push({
      type: view.getUint8(3),
      flags: view.getUint8(4),
      streamId: view.getUint32(5) & 0x7fffffff,
      payload: bytes.slice(at + 9, end),
    });
    at = end;
  }
  return frames;
}

export function concat(parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}

const u32 = (...values: number[]) => {
  const out = new Uint8Array(values.length * 4);
  values.forEach((value, i) => new DataView(out.buffer).setUint32(i * 4, value));
  return out;
};

export const settings = (values: Record<number, number>, ack = false): Frame => {
  const entries = ack ? [] : Object.entries(values);
  const payload = new Uint8Array(entries.length * 6);
  const view = new DataView(payload.buffer);
  entries.forEach(([id, value], i) => {
    view.setUint16(i * 6, Number(id));
    view.setUint32(i * 6 + 2, value);
  });
  return { type: TYPE.SETTINGS, flags: ack ? FLAG.ACK : 0, streamId: 0, payload };
};

export function readSettings(payload: Uint8Array): Map<number, number> {
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const values = new Map<number, number>();
  for (let at = 0; at + 6 <= payload.byteLength; at += 6) {
    values.set(view.getUint16(at), view.getUint32(at + 2));
  }
  return values;
}

export const windowUpdate = (streamId: number, increment: number): Frame => ({
  type: TYPE.WINDOW_UPDATE,
  flags: 0,
  streamId,
  payload: u32(increment),
});

export const rstStream = (streamId: number, code: number): Frame => ({
  type: TYPE.RST_STREAM,
  flags: 0,
  streamId,
  payload: u32(code),
});

export const goaway = (lastStreamId: number, code: number): Frame => ({
  type: TYPE.GOAWAY,
  flags: 0,
  streamId: 0,
  payload: u32(lastStreamId, code),
});

export const data = (streamId: number, payload: Uint8Array, end: boolean): Frame => ({
  type: TYPE.DATA,
  flags: end ? FLAG.END_STREAM : 0,
  streamId,
  payload,
});

export const headers = (streamId: number, fields: string[][], end: boolean): Frame => ({
  type: TYPE.HEADERS,
  flags: FLAG.END_HEADERS | (end ? FLAG.END_STREAM : 0),
  streamId,
  payload: concat(
    fields.flatMap(([name = '', value = '']) => [
      new Uint8Array([0]),
      hpackString(name),
      hpackString(value),
    ]),
  ),
});

/** The first 32-bit word of a payload: WINDOW_UPDATE's increment, RST_STREAM's error code, GOAWAY's last stream id. */
export const word = (payload: Uint8Array, index = 0): number =>
  new DataView(payload.buffer, payload.byteOffset).getUint32(index * 4) & 0x7fffffff;

// RFC 7541 §5.1: an integer in an N-bit prefix, then 7-bit groups.
function hpackInteger(value: number, prefixBits: number, firstByte = 0): number[] {
  const max = (1 << prefixBits) - 1;
  if (value < max) return [firstByte | value];
  const out = [firstByte | max];
  let rest = value - max;
  while (rest >= 128) {
    out.push((rest % 128) + 128);
    rest = Math.floor(rest / 128);
  }
  out.push(rest);
  return out;
}

function hpackString(text: string): Uint8Array {
  const bytes = new TextEncoder().encode(text);
  return concat([new Uint8Array(hpackInteger(bytes.byteLength, 7)), bytes]);
}

/** Reads a header block of literal fields (what headers() writes); anything else is refused. */
export function readHeaders(payload: Uint8Array): string[][] {
  const fields: string[][] = [];
  let at = 0;
  const integer = (prefixBits: number): number => {
    const max = (1 << prefixBits) - 1;
    let value = (payload[at++] ?? 0) & max;
    if (value < max) return value;
    for (let shift = 0; ; shift += 7) {
      const byte = payload[at++] ?? 0;
      value += (byte & 127) * 2 ** shift;
      if (byte < 128) return value;
    }
  };
  const string = (): string => {
    if (((payload[at] ?? 0) & 0x80) !== 0)
      throw new Error('Huffman-coded strings are not read here');
    const length = integer(7);
    at += length;
    return new TextDecoder().decode(payload.subarray(at - length, at));
  };
  while (at < payload.byteLength) {
    const first = payload[at++];
    if (first !== 0x00 && first !== 0x10)
      throw new Error('only literal header fields are read here');
    fields.push([string(), string()]);
  }
  return fields;
}

const NAMES = Object.fromEntries(Object.entries(TYPE).map(([name, type]) => [type, name]));
const ERRORS = Object.fromEntries(Object.entries(ERROR).map(([name, code]) => [code, name]));
export const errorName = (code: number) => ERRORS[code] ?? `error 0x${code.toString(16)}`;

/** One line of a frame log: "HEADERS stream 1 :method GET :path /export END_STREAM". */
export function describe(frame: Frame): string {
  const name = (NAMES[frame.type] ?? `type 0x${frame.type.toString(16)}`).padEnd(13);
  const end = frame.flags & FLAG.END_STREAM && frame.type <= TYPE.HEADERS ? '  END_STREAM' : '';
  const head = `${name} stream ${frame.streamId}`;
  switch (frame.type) {
    case TYPE.DATA:
      return `${head}  ${frame.payload.byteLength} bytes${end}`;
    case TYPE.HEADERS:
      return `${head}  ${readHeaders(frame.payload)
        .map((field) => field.join(' '))
        .join('  ')}${end}`;
    case TYPE.SETTINGS: {
      if (frame.flags & FLAG.ACK) return `${head}  ACK`;
      const names = Object.fromEntries(Object.entries(SETTING).map(([key, id]) => [id, key]));
      const values = [...readSettings(frame.payload)].map(
        ([id, value]) => `${names[id] ?? id}=${value}`,
      );
      return `${head}  ${values.join(' ') || '(all defaults)'}`;
    }
    case TYPE.WINDOW_UPDATE:
      return `${head}  +${word(frame.payload)}`;
    case TYPE.RST_STREAM:
      return `${head}  ${errorName(word(frame.payload))}`;
    case TYPE.GOAWAY:
      return `${head}  last stream ${word(frame.payload)}  ${errorName(word(frame.payload, 1))}`;
    default:
      return head;
  }
}
