/**
 * The built-ins the trace recorder, its validator and the SSE parser use, captured when this module
 * is evaluated. In the page, reader code runs in the same worker as the recorder and may later
 * replace `Array.prototype.push`, `String.prototype.slice`, `JSON.stringify`, `Math.round`… Calls
 * made through these captured functions still reach the originals, so a patched prototype cannot
 * inject, alter or drop trace events. The worker imports the recorder before any reader code exists.
 *
 * Rules for code that uses this module: no method calls on arrays, strings or objects (call the
 * captured ones), no array iteration protocol (`for…of`, spread and destructuring of arrays call the
 * patchable `Array.prototype[Symbol.iterator]`), and new list entries through {@link append}.
 */

const { bind, call } = Function.prototype;
/** `method` as a plain function taking its `this` first: `uncurry(String.prototype.slice)(text, 0, 2)`. */
const uncurry = <This, Args extends unknown[], Result>(
  method: (this: This, ...args: Args) => Result,
): ((self: This, ...args: Args) => Result) =>
  Reflect.apply(bind, call, [method]) as (self: This, ...args: Args) => Result;

const typedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype) as object;
/** The engine's getter of `target[name]` as a plain function: it refuses objects of another kind. */
export const getter = <T>(target: object, name: string): ((self: unknown) => T) => {
  const get = Reflect.getOwnPropertyDescriptor(target, name)?.get;
  if (!get) throw new TypeError(`no ${name} getter to capture`);
  return uncurry(get as (this: unknown) => T);
};

export const apply = Reflect.apply;
export const defineProperty = Reflect.defineProperty;
export const hasOwn = Object.hasOwn;
export const isArray = Array.isArray;
export const isFinite = Number.isFinite;
export const isSafeInteger = Number.isSafeInteger;
export const jsonStringify = JSON.stringify;
export const mathMin = Math.min;
export const mathRound = Math.round;
export const toNumber = Number;
export const stringSlice = uncurry(String.prototype.slice);
export const stringIndexOf = uncurry(String.prototype.indexOf);
export const stringCharCodeAt = uncurry(String.prototype.charCodeAt);
export const Uint8ArrayConstructor = Uint8Array;
export const byteLength = getter<number>(typedArrayPrototype, 'byteLength');
export const byteOffset = getter<number>(typedArrayPrototype, 'byteOffset');
export const viewBuffer = getter<ArrayBufferLike>(typedArrayPrototype, 'buffer');
export const TextDecoderConstructor = TextDecoder;
export const decode = uncurry(TextDecoder.prototype.decode);
const encoder = new TextEncoder();
const encode = uncurry(TextEncoder.prototype.encode);

/** UTF-8 bytes of `text`. */
export const utf8 = (text: string): Uint8Array => encode(encoder, text);

/**
 * Adds `value` at the end of `list` as an own property: no `push` (replaceable) and no assignment
 * (a setter defined on `Array.prototype[index]` would run).
 */
export function append<T>(list: T[], value: T): void {
  defineProperty(list, list.length, {
    __proto__: null,
    value,
    writable: true,
    enumerable: true,
    configurable: true,
  } as PropertyDescriptor);
}

/** `record[key]` when `record` has it as its own property, else undefined (never the prototype's). */
export function own(record: object, key: string): unknown {
  return hasOwn(record, key) ? (record as Record<string, unknown>)[key] : undefined;
}

/** A dictionary with no prototype: looking up a key never reaches `Object.prototype`. */
export function dictionary<T>(): Record<string, T | undefined> {
  return Object.create(null) as Record<string, T | undefined>;
}
