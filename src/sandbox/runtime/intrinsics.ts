/**
 * The built-ins the trusted parts of the sandbox worker use, captured when the runtime bundle loads,
 * before any reader code exists (decisions/0068). Reader code shares the worker's globals and may
 * patch any of them (`Array.prototype.push`, `Map.prototype.get`, `Promise.prototype.then`, a setter
 * on `Object.prototype[0]` …); the runtime calls these copies instead, keeps what it queues in lists
 * with no prototype, and never iterates with `for…of` or spreads an array after reader code ran.
 */

import { getter } from '../trace/intrinsics';

/** `method` as a plain function taking its `this` first, immune to later patches of its prototype. */
export const uncurry = Function.prototype.bind.bind(Function.prototype.call) as <
  This,
  Args extends unknown[],
  Result,
>(
  method: (this: This, ...args: Args) => Result,
) => (self: This, ...args: Args) => Result;

export const {
  apply,
  construct,
  defineProperty: reflectDefine,
  deleteProperty,
  getOwnPropertyDescriptor,
  getPrototypeOf,
  ownKeys,
  setPrototypeOf,
} = Reflect;
export const { entries: objectEntries, keys: objectKeys, is: objectIs } = Object;
export const { isArray } = Array;
export const { isFinite: isFiniteNumber } = Number;
export const { max: mathMax, round: mathRound } = Math;

export const OriginalError = Error;
export const OriginalMap = Map;
export const OriginalPromise = Promise;
export const OriginalRangeError = RangeError;
export const OriginalSet = Set;
export const OriginalString = String;

const arrayPush = uncurry(Array.prototype.push as (this: unknown[], ...items: unknown[]) => number);
const arraySplice = uncurry(
  Array.prototype.splice as (this: unknown[], start: number, count: number) => unknown[],
);
export const arrayJoin = uncurry(
  Array.prototype.join as (this: unknown, separator: string) => string,
);
export const mapGet = uncurry(
  Map.prototype.get as (this: Map<unknown, unknown>, key: unknown) => unknown,
) as <K, V>(map: Map<K, V>, key: K) => V | undefined;
export const mapSet = uncurry(
  Map.prototype.set as (this: Map<unknown, unknown>, key: unknown, value: unknown) => unknown,
) as <K, V>(map: Map<K, V>, key: K, value: V) => void;
export const mapHas = uncurry(
  Map.prototype.has as (this: Map<unknown, unknown>, key: unknown) => boolean,
) as <K>(map: Map<K, unknown>, key: K) => boolean;
export const mapForEach = uncurry(
  Map.prototype.forEach as (
    this: Map<unknown, unknown>,
    each: (value: unknown, key: unknown) => void,
  ) => void,
);
export const setHas = uncurry(Set.prototype.has as (this: Set<unknown>, value: unknown) => boolean);
export const setAdd = uncurry(Set.prototype.add as (this: Set<unknown>, value: unknown) => unknown);
export const setForEach = uncurry(
  Set.prototype.forEach as (this: Set<unknown>, each: (value: unknown) => void) => void,
);
export const stringSlice = uncurry(String.prototype.slice);
export const stringIndexOf = uncurry(String.prototype.indexOf);
export const regexpExec = uncurry(RegExp.prototype.exec);
export const regexpTest = uncurry(RegExp.prototype.test);
export const symbolToString = uncurry(Symbol.prototype.toString);
export const dateToISOString = uncurry(Date.prototype.toISOString);
export const preventDefault = uncurry(Event.prototype.preventDefault);
export const promiseThen = uncurry(
  Promise.prototype.then as (
    this: Promise<unknown>,
    onFulfilled: (value: unknown) => void,
    onRejected: (reason: unknown) => void,
  ) => Promise<unknown>,
);
/** `eval` as it was: calling it by another name evaluates in the global scope (an indirect eval). */
export const evaluate = eval;
const messageData = getOwnPropertyDescriptor(MessageEvent.prototype, 'data')?.get;
/** A message event's `data`, read with the engine's own getter. */
export const dataOf = (event: MessageEvent): unknown =>
  messageData ? apply(messageData, event, []) : undefined;

const performanceNow = uncurry(Performance.prototype.now);
const clock = performance;
/** `performance.now()` as it was when the runtime loaded. */
export const now = (): number => performanceNow(clock);

const scope = globalThis;
const timeout = setTimeout;
const interval = setInterval;
/** `setTimeout` and `setInterval` as they were when the runtime loaded. */
export const later = (run: () => void, ms: number): ReturnType<typeof setTimeout> =>
  apply(timeout, scope, [run, ms]) as ReturnType<typeof setTimeout>;
export const every = (run: () => void, ms: number): ReturnType<typeof setInterval> =>
  apply(interval, scope, [run, ms]) as ReturnType<typeof setInterval>;

/**
 * An array with no prototype: neither a patched `Array.prototype` nor a setter on
 * `Object.prototype[0]` sees or replaces what is stored in it. Read it by index and `length`.
 */
export interface SafeList<T> {
  readonly length: number;
  readonly [index: number]: T;
}

export function safeList<T>(): SafeList<T> {
  const list: unknown[] = [];
  setPrototypeOf(list, null);
  return list as unknown as SafeList<T>;
}

export function append<T>(list: SafeList<T>, item: T): void {
  arrayPush(list as unknown as unknown[], item);
}

/** Takes up to `count` items off the front of `list`, as a plain array (for posting). */
export function takeFront<T>(list: SafeList<T>, count: number): T[] {
  return arraySplice(list as unknown as unknown[], 0, count) as T[];
}

/** The items of `list` joined with `separator` (each item a string). */
export function joined(list: SafeList<string>, separator: string): string {
  return arrayJoin(list, separator);
}

/** A property descriptor with no prototype, so a getter on `Object.prototype.get` cannot change it. */
const plainValue = (value: unknown): PropertyDescriptor =>
  ({ __proto__: null, value, writable: true, configurable: true }) as PropertyDescriptor;

/**
 * Calls `fulfilled` when `value` fulfils and `rejected` with the reason when it rejects, deciding from
 * the engine's own record of a promise: no `then` or `constructor` that reader code could have
 * patched is used. A value that is not a promise fulfils, unless it is a thenable, which decides for
 * itself; a frozen object the engine's `then` refuses counts as rejected (it may be a frozen promise).
 */
export function settle(
  value: unknown,
  fulfilled: () => void,
  rejected: (reason: unknown) => void,
): void {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) {
    return fulfilled();
  }
  // An own `constructor: undefined` makes the engine's `then` build its result with the engine's own
  // Promise, so no species of reader code's runs: what calls back is the promise's own state.
  const own = getOwnPropertyDescriptor(value, 'constructor');
  if (own) setPrototypeOf(own, null);
  const isolated = reflectDefine(value, 'constructor', plainValue(undefined));
  try {
    promiseThen(value as Promise<unknown>, fulfilled, rejected);
    return;
  } catch {
    // Not a promise: the engine's `then` refused it.
  } finally {
    if (isolated) {
      if (own) reflectDefine(value, 'constructor', own);
      else deleteProperty(value, 'constructor');
    }
  }
  if (!isolated) {
    return rejected(new OriginalError('main() returned a frozen object that is not a promise'));
  }
  const wrapped = new OriginalPromise((resolve) => resolve(value));
  reflectDefine(wrapped, 'constructor', plainValue(undefined));
  promiseThen(wrapped, fulfilled, rejected);
}

/*
 * What the virtual network reads off the requests, responses, URLs, headers, streams and messages
 * the code it carries hands it (decisions/0071): the engine's own getters and methods, which answer
 * with what the object really holds and throw for an object of another kind, never a getter or
 * method reader code put on a prototype.
 */
export const OriginalHeaders = Headers;
export const OriginalRequest = Request;
export const OriginalResponse = Response;
export const OriginalTypeError = TypeError;
export const OriginalUint8Array = Uint8Array;
export const OriginalURL = URL;
export const OriginalWeakMap = WeakMap;
export const { isView } = ArrayBuffer;
export const { parse: jsonParse } = JSON;
const { prototype: request } = Request;
const { prototype: response } = Response;
const { prototype: headers } = Headers;
export const requestMethod = getter<string>(request, 'method');
export const requestUrl = getter<string>(request, 'url');
export const requestHeaders = getter<Headers>(request, 'headers');
export const requestSignal = getter<AbortSignal>(request, 'signal');
export const requestRedirect = getter<RequestRedirect>(request, 'redirect');
export const requestBytes = uncurry(request.arrayBuffer);
export const responseStatus = getter<number>(response, 'status');
export const responseStatusText = getter<string>(response, 'statusText');
export const responseHeaders = getter<Headers>(response, 'headers');
export const responseBody = getter<ReadableStream<Uint8Array> | null>(response, 'body');
export const responseType = getter<ResponseType>(response, 'type');
export const responseBytes = uncurry(response.arrayBuffer);
export const headersGet = uncurry(headers.get);
export const headersHas = uncurry(headers.has);
export const headersSet = uncurry(headers.set);
export const headersAppend = uncurry(headers.append);
export const getSetCookie = uncurry(headers.getSetCookie);
export const urlHref = getter<string>(URL.prototype, 'href');
export const urlHost = getter<string>(URL.prototype, 'host');
export const urlHostname = getter<string>(URL.prototype, 'hostname');
export const urlOrigin = getter<string>(URL.prototype, 'origin');
export const urlPathname = getter<string>(URL.prototype, 'pathname');
export const streamLocked = getter<boolean>(ReadableStream.prototype, 'locked');
export const streamReader = uncurry(
  ReadableStream.prototype.getReader as (
    this: ReadableStream<Uint8Array>,
  ) => ReadableStreamDefaultReader<Uint8Array>,
);
export const readChunk = uncurry(
  ReadableStreamDefaultReader.prototype.read as (
    this: ReadableStreamDefaultReader<Uint8Array>,
  ) => Promise<ReadableStreamReadResult<Uint8Array>>,
);
export const cancelReader = uncurry(ReadableStreamDefaultReader.prototype.cancel);
export const streamCancel = uncurry(ReadableStream.prototype.cancel);
export const listen = uncurry(
  EventTarget.prototype.addEventListener as (
    this: EventTarget,
    type: string,
    listener: () => void,
  ) => void,
);
export const bufferLength = getter<number>(ArrayBuffer.prototype, 'byteLength');
export const dataViewBuffer = getter<ArrayBufferLike>(DataView.prototype, 'buffer');
export const dataViewOffset = getter<number>(DataView.prototype, 'byteOffset');
export const dataViewLength = getter<number>(DataView.prototype, 'byteLength');
export const arrayIncludes = uncurry(
  Array.prototype.includes as (this: readonly unknown[], value: unknown) => boolean,
);
export const mapDelete = uncurry(
  Map.prototype.delete as (this: Map<unknown, unknown>, key: unknown) => boolean,
);
export const setDelete = uncurry(
  Set.prototype.delete as (this: Set<unknown>, value: unknown) => boolean,
);
export const weakGet = uncurry(
  WeakMap.prototype.get as (this: WeakMap<object, unknown>, key: object) => unknown,
) as <K extends object, V>(map: WeakMap<K, V>, key: K) => V | undefined;
export const weakSet = uncurry(
  WeakMap.prototype.set as (this: WeakMap<object, unknown>, key: object, value: unknown) => unknown,
) as <K extends object, V>(map: WeakMap<K, V>, key: K, value: V) => void;

/** A test of an object's kind by the engine's own getter, which refuses other kinds (no `instanceof`). */
const kindTest =
  <T>(read: (value: unknown) => unknown) =>
  (value: unknown): value is T => {
    try {
      read(value);
      return true;
    } catch {
      return false;
    }
  };
export const isStream = kindTest<ReadableStream<Uint8Array>>(streamLocked);
export const isResponse = kindTest<Response>(responseStatus);

/**
 * Gives `target` own copies of `values` (read with the getters above): code that reads them later,
 * such as the interceptors', then never calls a getter reader code replaced, which could lie or throw.
 */
export function pin(target: object, values: Record<string, unknown>): void {
  const names = objectKeys(values);
  for (let i = 0; i < names.length; i++) {
    const name = names[i] as string;
    reflectDefine(target, name, plainValue(values[name]));
  }
}
