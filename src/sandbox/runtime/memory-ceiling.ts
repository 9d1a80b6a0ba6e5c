/**
 * A ceiling on binary memory in the sandbox worker. No engine tells a worker how much memory it uses
 * (measured in decisions/0026), and ArrayBuffer memory lives outside the JS heap limit, so a run could
 * hold gigabytes and take the runner process down. Every way reader code can get a new buffer goes
 * through a count of live bytes here (decisions/0069):
 *
 * - the ArrayBuffer and typed array constructors: the global names and every prototype's
 *   `constructor` are counting functions, so neither `new Uint8Array(n)` nor
 *   `new (new Uint8Array(0).constructor)(n)` nor species (`slice`, `map`, `filter`) escapes;
 * - the methods that copy without species (`toSorted`, `with`, `transfer` …), and the APIs that
 *   return fresh bytes (`structuredClone`, `TextEncoder#encode`, `Response#arrayBuffer` …).
 *
 * A request over the ceiling throws and tells the frame, which ends the run. It runs after reader
 * code did, so it uses only captured built-ins.
 */
import {
  apply,
  construct,
  getOwnPropertyDescriptor,
  getPrototypeOf,
  mathRound,
  OriginalPromise,
  OriginalRangeError,
  ownKeys,
  promiseThen,
  reflectDefine,
  setPrototypeOf,
  uncurry,
} from './intrinsics';

/** Live ArrayBuffer bytes a run may hold. */
export const BUFFER_LIMIT_BYTES = 1024 * 1024 * 1024;
/** Smaller buffers are not counted: the runtime makes many, and a flood of them fills the JS heap first. */
const SMALL_BYTES = 1024;

const TYPED_ARRAYS = [
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float16Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
] as const;

type Constructor = new (...args: unknown[]) => object;
type Method = (this: unknown, ...args: unknown[]) => unknown;

const TypedArrayProto = getPrototypeOf(Uint8Array.prototype) as object;
/** The engine's own getter `proto.name` as a plain function; 0 where the engine has none. */
function getter(proto: object, name: string): (self: unknown) => unknown {
  const get = getOwnPropertyDescriptor(proto, name)?.get;
  return get ? uncurry(get as (this: unknown) => unknown) : () => 0;
}
const bufferByteLength = getter(ArrayBuffer.prototype, 'byteLength') as (buffer: unknown) => number;
const bufferMaxByteLength = getter(ArrayBuffer.prototype, 'maxByteLength') as (
  b: unknown,
) => number;
const viewBuffer = getter(TypedArrayProto, 'buffer') as (view: unknown) => ArrayBuffer;
const isView = ArrayBuffer.isView;
const OriginalArrayBuffer = ArrayBuffer;
const scope = globalThis as unknown as Record<string, unknown>;

/** A data property as the engine's own would be; no prototype, so no getter on Object.prototype sneaks in. */
const slot = (value: unknown, writable = true): PropertyDescriptor =>
  ({
    __proto__: null,
    value,
    writable,
    enumerable: false,
    configurable: true,
  }) as PropertyDescriptor;

/** The buffer `made` allocated, if it is a buffer or a view; undefined for anything else. */
function bufferOf(made: unknown): ArrayBuffer | undefined {
  if (typeof made !== 'object' || made === null) return undefined;
  if (isView(made)) return viewBuffer(made);
  return isBuffer(made) ? (made as ArrayBuffer) : undefined;
}

function isBuffer(value: object): boolean {
  try {
    bufferByteLength(value);
    return true;
  } catch {
    return false;
  }
}

/** What a buffer holds, counting the most a resizable one may grow to. */
function bufferBytes(buffer: ArrayBuffer): number {
  const length = bufferByteLength(buffer);
  const max = bufferMaxByteLength(buffer);
  return max > length ? max : length;
}

const register = uncurry(
  FinalizationRegistry.prototype.register as (this: unknown, target: object, held: number) => void,
);
const megabytes = (bytes: number): number => mathRound(bytes / 2 ** 20);

/** The live bytes of a run: claimed when allocated, released when their buffer is collected. */
class Ledger {
  private live = 0;
  private readonly registry = new FinalizationRegistry<number>((bytes) => {
    this.live -= bytes;
  });

  constructor(
    private readonly limit: number,
    private readonly onExceeded: () => void,
  ) {}

  /** Counts `bytes` about to be allocated (or just allocated); throws over the ceiling. */
  claim(bytes: number): void {
    if (!(bytes >= SMALL_BYTES)) return;
    if (this.live + bytes > this.limit) {
      this.onExceeded();
      throw new OriginalRangeError(
        `The sandbox keeps binary data under ${megabytes(this.limit)} MB; this allocation of ${megabytes(bytes)} MB would go over it.`,
      );
    }
    this.live += bytes;
  }

  /** A new buffer of `bytes` (known beforehand) from `make`: refused before it is allocated. */
  sized(bytes: number, make: () => object): object {
    if (!(bytes >= SMALL_BYTES)) return make();
    this.claim(bytes);
    let made: object;
    try {
      made = make();
    } catch (error) {
      this.live -= bytes;
      throw error;
    }
    const buffer = bufferOf(made);
    if (buffer) register(this.registry, buffer, bytes);
    return made;
  }

  /** Runs `make` with `claimed` bytes claimed first, then counts what it made at its real size. */
  counted(claimed: number, make: () => unknown): unknown {
    this.claim(claimed);
    let made: unknown;
    try {
      made = make();
    } catch (error) {
      if (claimed >= SMALL_BYTES) this.live -= claimed;
      throw error;
    }
    this.settle(made, claimed >= SMALL_BYTES ? claimed : 0);
    return made;
  }

  /** Counts the buffer `made` is or views (in place of the `claimed` bytes), until it is collected. */
  settle(made: unknown, claimed: number): void {
    const buffer = bufferOf(made);
    const bytes = buffer === undefined ? 0 : bufferBytes(buffer);
    this.live -= claimed;
    this.claim(bytes);
    if (buffer !== undefined && bytes >= SMALL_BYTES) register(this.registry, buffer, bytes);
  }
}

/**
 * Points the global `name` and its prototype's `constructor` (so species too) to a counting stand-in
 * for `original`, with the original's `prototype` and statics, so `instanceof` and subclasses work.
 * The fast path matters: every `subarray` comes through here.
 */
function guard(
  ledger: Ledger,
  name: string,
  original: Constructor,
  bytesPer: number,
  views: boolean,
): void {
  const stand = function (this: unknown, ...args: unknown[]): object {
    if (new.target === undefined) return apply(original, this, args) as object;
    const target = new.target === stand ? original : new.target;
    const first = args[0];
    // A view of a buffer that is already counted (every `subarray`): nothing to count.
    if (views && typeof first === 'object' && first !== null && isBuffer(first)) {
      return construct(original, args, target);
    }
    const make = (): object => construct(original, args, target);
    if (typeof first === 'number') {
      // A size: refused before anything is allocated.
      if (views || args.length < 2) return ledger.sized(first * bytesPer, make);
      // A resizable buffer: counted again, at the most it may grow to, once it is made.
      return ledger.counted(first, make) as object;
    }
    // A copy of an array, a typed array or an iterable, or nothing: counted as made.
    return ledger.counted(0, make) as object;
  };
  setPrototypeOf(stand, getPrototypeOf(original));
  const keys = ownKeys(original);
  for (let index = 0; index < keys.length; index += 1) {
    const key = keys[index] as PropertyKey;
    const own = getOwnPropertyDescriptor(original, key);
    if (!own) continue;
    setPrototypeOf(own, null);
    reflectDefine(stand, key, own);
  }
  reflectDefine(original.prototype, 'constructor', slot(stand));
  reflectDefine(scope, name, slot(stand));
}

/** Replaces the method `owner[name]`, if there is one, with what `wrap` makes of it. */
function wrapMethod(owner: unknown, name: string, wrap: (method: Method) => Method): void {
  if (typeof owner !== 'object' && typeof owner !== 'function') return;
  if (owner === null) return;
  const method = getOwnPropertyDescriptor(owner, name)?.value as unknown;
  if (typeof method === 'function') reflectDefine(owner, name, slot(wrap(method as Method)));
}

/** Counts what `owner[name]` returns (claimed beforehand when `before` can tell the size). */
function countResult(
  ledger: Ledger,
  owner: unknown,
  name: string,
  before: (self: unknown, args: unknown[]) => number = () => 0,
): void {
  wrapMethod(
    owner,
    name,
    (method) =>
      function (this: unknown, ...args: unknown[]) {
        return ledger.counted(before(this, args), () => apply(method, this, args));
      },
  );
}

/** Counts the bytes the promise `owner[name]` returns resolves to. */
function countResolved(ledger: Ledger, owner: unknown, name: string): void {
  wrapMethod(
    owner,
    name,
    (method) =>
      function (this: unknown, ...args: unknown[]) {
        const pending = apply(method, this, args) as Promise<unknown>;
        return new OriginalPromise((resolve, reject) => {
          const arrived = (value: unknown): void => {
            try {
              ledger.settle(value, 0);
              resolve(value);
            } catch (error) {
              reject(error);
            }
          };
          promiseThen(pending, arrived, reject);
        });
      },
  );
}

const protoOf = (name: string): unknown =>
  (scope[name] as { prototype?: unknown } | undefined)?.prototype;

/**
 * Installs the ceiling on this worker's globals. Call once, before any reader code runs.
 *
 * @example
 * installBufferCeiling(() => post({ type: 'over-memory' }));
 */
export function installBufferCeiling(onExceeded: () => void, limit = BUFFER_LIMIT_BYTES): void {
  const ledger = new Ledger(limit, onExceeded);
  guard(ledger, 'ArrayBuffer', OriginalArrayBuffer as unknown as Constructor, 1, false);
  for (const name of TYPED_ARRAYS) {
    const original = scope[name] as (Constructor & { BYTES_PER_ELEMENT: number }) | undefined;
    if (original) guard(ledger, name, original, original.BYTES_PER_ELEMENT, true);
  }
  // Species makes `slice`, `map` and `filter` go through the constructors above; these copy without it.
  for (const name of ['toReversed', 'toSorted', 'with']) countResult(ledger, TypedArrayProto, name);
  const newLength = (self: unknown, args: unknown[]): number =>
    typeof args[0] === 'number' ? args[0] : args[0] === undefined ? bufferByteLength(self) : 0;
  countResult(ledger, OriginalArrayBuffer.prototype, 'transfer', newLength);
  countResult(ledger, OriginalArrayBuffer.prototype, 'transferToFixedLength', newLength);
  countResult(ledger, scope, 'structuredClone');
  countResult(ledger, scope.Uint8Array, 'fromBase64');
  countResult(ledger, scope.Uint8Array, 'fromHex');
  countResult(ledger, protoOf('TextEncoder'), 'encode');
  for (const body of ['Response', 'Request', 'Blob']) {
    countResolved(ledger, protoOf(body), 'arrayBuffer');
    countResolved(ledger, protoOf(body), 'bytes');
  }
}
