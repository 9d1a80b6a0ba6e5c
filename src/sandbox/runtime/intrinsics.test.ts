// The worker runtime's captured built-ins against reader code that patches the shared ones.
import { afterEach, describe, expect, it } from 'vitest';
import { append, safeList, settle, takeFront } from './intrinsics';
import { toBytes } from './virtual-socket';

const restores: Array<() => void> = [];

/** Replaces `target[key]` for one test, as reader code in the worker would. */
function patch(target: object, key: PropertyKey, descriptor: PropertyDescriptor): void {
  const before = Object.getOwnPropertyDescriptor(target, key);
  Object.defineProperty(target, key, { configurable: true, ...descriptor });
  restores.push(() => {
    if (before) Object.defineProperty(target, key, before);
    else Reflect.deleteProperty(target, key);
  });
}

afterEach(() => {
  for (const restore of restores.splice(0).reverse()) restore();
});

const outcome = (value: unknown): Promise<string> =>
  new Promise((resolve) =>
    settle(
      value,
      () => resolve('fulfilled'),
      (reason) => resolve(`rejected: ${String((reason as Error)?.message ?? reason)}`),
    ),
  );

describe('settle: whether a client’s main() succeeded', () => {
  it('follows the promise’s own state though Promise#then, its constructor and species are patched', async () => {
    const failing = Promise.reject(new Error('real failure'));
    failing.catch(() => undefined);
    const then = Promise.prototype.then;
    const Thrower = function () {
      throw new Error('species ran');
    };
    for (const species of [false, true]) {
      // Patched only while settle() runs: the test runner's own awaits need the real ones.
      patch(Promise.prototype, 'then', {
        value: function (this: Promise<unknown>, ok?: (value: unknown) => unknown) {
          return then.call(this, ok, () => ok?.(undefined));
        },
        writable: true,
      });
      if (species) {
        patch(Promise.prototype, 'constructor', {
          value: { [Symbol.species]: Thrower },
          writable: true,
        });
      }
      const seen = outcome(failing);
      for (const restore of restores.splice(0).reverse()) restore();
      expect(await seen).toBe('rejected: real failure');
    }
    expect(await outcome(Promise.resolve(1))).toBe('fulfilled');
  });

  it('takes a plain value as success and lets a thenable decide', async () => {
    expect(await outcome(undefined)).toBe('fulfilled');
    expect(await outcome({ done: true })).toBe('fulfilled');
    const refusing = { then: (_: unknown, fail: (error: Error) => void) => fail(new Error('no')) };
    expect(await outcome(refusing)).toBe('rejected: no');
  });
});

describe('safe lists: where the runtime queues what it posts', () => {
  it('keep what is appended though Array#push, #splice and a setter on Object.prototype[0] are patched', () => {
    const list = safeList<string>();
    let stolen = 0;
    const push = Object.getOwnPropertyDescriptor(Array.prototype, 'push');
    const splice = Object.getOwnPropertyDescriptor(Array.prototype, 'splice');
    // Patched only around the runtime's calls: the test runner itself needs the real ones.
    Object.defineProperty(Object.prototype, '0', {
      configurable: true,
      set: () => void (stolen += 1),
      get: () => 'forged',
    });
    Object.defineProperty(Array.prototype, 'push', { value: () => 0, configurable: true });
    Object.defineProperty(Array.prototype, 'splice', {
      value: () => ['forged'],
      configurable: true,
    });
    let front: string[];
    try {
      append(list, 'real');
      append(list, 'second');
      front = takeFront(list, 1);
    } finally {
      Object.defineProperty(Array.prototype, 'push', push ?? {});
      Object.defineProperty(Array.prototype, 'splice', splice ?? {});
      Reflect.deleteProperty(Object.prototype, '0');
    }
    expect(stolen).toBe(0);
    expect(front).toEqual(['real']);
    expect(list[0]).toBe('second');
    expect(list.length).toBe(1);
  });
});

it('toBytes: reads the bytes a WebSocket message holds though instanceof and the view getters lie', () => {
  const buffer = new Uint8Array([9, 1, 2, 3, 9]).buffer;
  const typed = new Uint8Array(buffer, 1, 3);
  const view = new DataView(buffer, 1, 3);
  const TypedArray = Object.getPrototypeOf(Uint8Array) as object;
  const typedProto = Object.getPrototypeOf(Uint8Array.prototype) as object;
  for (const target of [Uint8Array, ArrayBuffer, TypedArray])
    patch(target, Symbol.hasInstance, { value: () => false });
  for (const proto of [typedProto, DataView.prototype]) {
    patch(proto, 'byteOffset', { get: () => 0 });
    patch(proto, 'byteLength', { get: () => 5 });
  }
  patch(ArrayBuffer.prototype, 'byteLength', { get: () => 1 });
  expect([...toBytes(typed)]).toEqual([1, 2, 3]);
  expect([...toBytes(view)]).toEqual([1, 2, 3]);
  expect([...toBytes(buffer)]).toEqual([9, 1, 2, 3, 9]);
  expect([...toBytes('text')]).toEqual([]);
});
