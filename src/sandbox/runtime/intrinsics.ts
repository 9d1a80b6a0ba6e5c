/**
 * The built-ins the trusted parts of the sandbox worker use, captured when the runtime bundle loads,
 * before any reader code exists (decisions/0068). Reader code shares the worker's globals and may
 * patch any of them (`Array.prototype.push`, `Map.prototype.get`, `Promise.prototype.then`, a setter
 * on `Object.prototype[0]` …); the runtime calls these copies instead, keeps what it queues in lists
 * with no prototype, and never iterates with `for…of` or spreads an array after reader code ran.
 */

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
