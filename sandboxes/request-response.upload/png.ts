// Makes a real PNG in code: an RGB gradient stored without compression, so its size follows from
// its pixels (width × height × 3 bytes, plus one byte a row), as a photo's roughly does.
export function makePng(width: number, height: number): Uint8Array<ArrayBuffer> {
  const row = 1 + width * 3;
  const pixels = new Uint8Array(row * height);
  for (let y = 0; y < height; y++) {
    // Each row starts with its filter type, 0 (none); then red, green and blue per pixel.
    for (let x = 0; x < width; x++) {
      const at = y * row + 1 + x * 3;
      pixels[at] = (x * 255) / Math.max(1, width - 1);
      pixels[at + 1] = (y * 255) / Math.max(1, height - 1);
      pixels[at + 2] = 160;
    }
  }
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits per channel, RGB, deflate, no filter, no interlace
  return concat([
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlibStored(pixels)),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

/** A PNG chunk: length, type, data, and a CRC-32 of type and data. */
function chunk(type: string, data: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(12 + data.byteLength);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.byteLength);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.byteLength, crc32(out.subarray(4, 8 + data.byteLength)));
  return out;
}

/** A zlib stream of uncompressed ("stored") deflate blocks, at most 65,535 bytes each. */
function zlibStored(data: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
  const blocks: Uint8Array<ArrayBuffer>[] = [new Uint8Array([0x78, 0x01])];
  for (let start = 0; start < data.byteLength || start === 0; start += 65535) {
    const part = data.subarray(start, start + 65535);
    const last = start + 65535 >= data.byteLength ? 1 : 0;
    const head = new Uint8Array([last, part.byteLength & 0xff, part.byteLength >> 8, 0, 0]);
    head[3] = ~part.byteLength & 0xff;
    head[4] = (~part.byteLength >> 8) & 0xff;
    blocks.push(head, part);
  }
  const adler = new Uint8Array(4);
  new DataView(adler.buffer).setUint32(0, adler32(data));
  return concat([...blocks, adler]);
}

function adler32(data: Uint8Array<ArrayBuffer>): number {
  let a = 1;
  let b = 0;
  for (const byte of data) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Uint8Array<ArrayBuffer>): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = (CRC_TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function concat(parts: Uint8Array<ArrayBuffer>[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}
