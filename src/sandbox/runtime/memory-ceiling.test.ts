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

it('counts copies of what is already held: slice, map and the buffer’s own constructor', () => {
  const held = new Uint8Array(40 * MB);
  expect(() => held.slice()).toThrow(RangeError);
  expect(() => held.map((byte) => byte)).toThrow(RangeError);
  expect(() => held.buffer.slice(0)).toThrow(RangeError);
  const Buffer = held.buffer.constructor as ArrayBufferConstructor;
  expect(() => new Buffer(40 * MB)).toThrow(RangeError);
  // Views of the same memory allocate nothing.
  expect(held.subarray(1, 10).byteLength).toBe(9);
});

it('leaves the typed arrays’ own constructor alone, so views keep the engine’s fast path', () => {
  const made = new Uint8Array(4);
  expect(made.constructor).toBe(OriginalUint8Array);
  expect(made.subarray(1).constructor).toBe(OriginalUint8Array);
  expect(made instanceof Uint8Array).toBe(true);
  expect(new ArrayBuffer(8) instanceof OriginalArrayBuffer).toBe(true);
});
