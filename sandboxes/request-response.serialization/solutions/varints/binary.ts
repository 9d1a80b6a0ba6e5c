// One way to pass "Save two bytes per product": id and priceCents as varints (LEB128), seven bits
// a byte with the high bit set while more bytes follow, as Protocol Buffers writes integers.
//   count: uint32, then per product:
//   id: varint | priceCents: varint | inStock: uint8 | name, email: string | tags: uint8 n, n × string
import type { Product } from './records.ts';

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

export function writeBinary(products: Product[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(64 + products.length * 512);
  const view = new DataView(out.buffer);
  let at = 0;
  const string = (value: string) => {
    // At most 255 bytes fit behind a one-byte length; encodeInto stops early when more would follow.
    const { read, written } = utf8.encodeInto(value, out.subarray(at + 1, at + 256));
    if (read < value.length) throw new RangeError(`"${value.slice(0, 20)}…" is over 255 bytes`);
    out[at] = written;
    at += 1 + written;
  };
  const varint = (value: number) => {
    while (value >= 0x80) {
      out[at++] = (value & 0x7f) | 0x80;
      value >>>= 7;
    }
    out[at++] = value;
  };
  view.setUint32(at, products.length);
  at += 4;
  for (const product of products) {
    varint(product.id);
    varint(product.priceCents);
    out[at++] = product.inStock ? 1 : 0;
    string(product.name);
    string(product.email);
    out[at++] = product.tags.length;
    for (const tag of product.tags) string(tag);
  }
  return out.slice(0, at);
}

export function readBinary(bytes: Uint8Array<ArrayBuffer>): Product[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  const string = () => {
    const length = bytes[at] ?? 0;
    const value = fromUtf8.decode(bytes.subarray(at + 1, at + 1 + length));
    at += 1 + length;
    return value;
  };
  const varint = () => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = bytes[at++] ?? 0;
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
  };
  const count = view.getUint32(0);
  at = 4;
  const products: Product[] = [];
  for (let index = 0; index < count; index++) {
    const id = varint();
    const priceCents = varint();
    const inStock = bytes[at++] === 1;
    const name = string();
    const email = string();
    const tags = Array.from({ length: bytes[at++] ?? 0 }, string);
    products.push({ id, name, email, priceCents, inStock, tags });
  }
  return products;
}
