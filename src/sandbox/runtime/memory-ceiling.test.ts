// The binary memory ceiling, installed on this test worker's globals with a small limit.
import { beforeAll, expect, it } from 'vitest';
import { installBufferCeiling } from './memory-ceiling';

const MB = 2 ** 20;
const OriginalUint8Array = Uint8Array;
const OriginalArrayBuffer = ArrayBuffer;
let exceeded = 0;

beforeAll(() => installBufferCeiling(() => (exceeded += 1), 64 * MB));

it('refuses a typed array or buffer over the ceiling, and says so', () => {
  expect(() => new Uint8Array(100 * MB)).toThrow(/under 64 MB/);
  expect(() => new ArrayBuffer(100 * MB)).toThrow(RangeError);
  expect(() => new Float64Array(9 * MB)).toThrow(RangeError);
  expect(exceeded).toBe(3);
});

it('counts the constructors reader code takes from instances and prototypes', () => {
  const taken = [
    new Uint8Array(0).constructor,
    Object.getPrototypeOf(new Uint8Array(0)).constructor,
    new Uint8Array(8).subarray(1).constructor,
    new ArrayBuffer(0).constructor,
    new Uint8Array(0).buffer.constructor,
  ] as Array<new (length: number) => object>;
  for (const Constructor of taken) expect(() => new Constructor(100 * MB)).toThrow(RangeError);
});

it('counts copies of what is already held: species, the methods that copy, transfer and fresh bytes', async () => {
  const held = new Uint8Array(40 * MB);
  expect(() => held.slice()).toThrow(RangeError);
  expect(() => held.map((byte) => byte)).toThrow(RangeError);
  expect(() => held.toReversed()).toThrow(RangeError);
  expect(() => held.buffer.slice(0)).toThrow(RangeError);
  // A copy is counted by what was made, not by a `length` (which a getter could make say anything).
  expect(() => new Uint8Array(held)).toThrow(RangeError);
  expect(() => new ArrayBuffer(0).transfer(100 * MB)).toThrow(RangeError);
  expect(() => structuredClone(held)).toThrow(RangeError);
  // (Node's Response copies the body in JavaScript; a browser copies it natively, then reads.)
  await expect((async () => new Response(held).arrayBuffer())()).rejects.toThrow(RangeError);
  // Views of the same memory allocate nothing.
  expect(held.subarray(1, 10).byteLength).toBe(9);
  expect(new Uint8Array(held.buffer, 8).byteLength).toBe(40 * MB - 8);
});

it('keeps what programs rely on: instanceof, subclasses, statics, and TypeError without new', () => {
  const made = new Uint8Array(4);
  expect(made instanceof Uint8Array && made instanceof OriginalUint8Array).toBe(true);
  expect(Object.getPrototypeOf(made.subarray(1))).toBe(OriginalUint8Array.prototype);
  expect(new ArrayBuffer(8) instanceof OriginalArrayBuffer).toBe(true);
  class Bytes extends Uint8Array {}
  const bytes = new Bytes(3);
  expect(bytes instanceof Bytes && bytes.length === 3).toBe(true);
  expect(bytes.subarray(1)).toBeInstanceOf(Bytes);
  expect(Uint8Array.from([1, 2, 3])).toEqual(new OriginalUint8Array([1, 2, 3]));
  expect(Float64Array.BYTES_PER_ELEMENT).toBe(8);
  expect(Uint8Array.name).toBe('Uint8Array');
  expect(() => (Uint8Array as unknown as () => void)()).toThrow(TypeError);
});
