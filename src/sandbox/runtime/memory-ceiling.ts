/**
 * A ceiling on binary memory in the sandbox worker. No engine tells a worker how much heap it uses
 * (Chromium's performance.memory is not exposed in workers; measured in decisions/0026), and
 * ArrayBuffer memory lives outside the JS heap limit, so a run could hold gigabytes and take the
 * runner process down. Every way reader code can ask for a new buffer by size goes through a count
 * of live bytes here; a request over the ceiling throws and tells the frame, which ends the run.
 */

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

/** Bytes a typed array constructor call will allocate: by length, or by copying an array-like. */
function typedArrayBytes(args: unknown[], bytesPerElement: number): number {
  const [first] = args;
  if (typeof first === 'number') return first * bytesPerElement;
  if (typeof first !== 'object' || first === null || first instanceof OriginalArrayBuffer) return 0;
  const length = (first as { length?: unknown }).length;
  return typeof length === 'number' ? length * bytesPerElement : 0;
}

const OriginalArrayBuffer = ArrayBuffer;

/**
 * Installs the ceiling on this worker's globals. Call once, before any reader code runs.
 *
 * @example
 * installBufferCeiling(() => post({ type: 'over-memory' }));
 */
export function installBufferCeiling(onExceeded: () => void, limit = BUFFER_LIMIT_BYTES): void {
  let live = 0;
  const released = new FinalizationRegistry<number>((bytes) => {
    live -= bytes;
  });
  const claim = (bytes: number): void => {
    if (!Number.isFinite(bytes) || bytes < SMALL_BYTES) return;
    if (live + bytes > limit) {
      onExceeded();
      throw new RangeError(
        `The sandbox keeps binary data under ${Math.round(limit / 2 ** 20)} MB; this allocation of ${Math.round(bytes / 2 ** 20)} MB would go over it.`,
      );
    }
    live += bytes;
  };
  const track = (buffer: object, bytes: number): void => {
    if (Number.isFinite(bytes) && bytes >= SMALL_BYTES) released.register(buffer, bytes);
  };

  /** `original` behind a Proxy that claims what `new` allocates; the global name points to it. */
  const guard = (original: Constructor, bytesFor: (args: unknown[]) => number): Constructor => {
    const guarded = new Proxy(original, {
      construct(target, args, newTarget) {
        const bytes = bytesFor(args);
        claim(bytes);
        const made = Reflect.construct(
          target,
          args,
          newTarget === guarded ? target : newTarget,
        ) as object;
        track(made, bytes);
        return made;
      },
    });
    Object.defineProperty(globalThis, original.name, {
      value: guarded,
      writable: true,
      configurable: true,
    });
    return guarded;
  };

  /** Wraps `proto[name]` (a method that returns a fresh copy) so the copy is claimed first. */
  const guardCopy = (proto: object, name: string, bytesOf: (self: never) => number): void => {
    const method = (proto as Record<string, unknown>)[name];
    if (typeof method !== 'function') return;
    Object.defineProperty(proto, name, {
      value: function (this: never, ...args: unknown[]) {
        const bytes = bytesOf(this);
        claim(bytes);
        const copy = Reflect.apply(method, this, args) as object;
        track(copy, bytes);
        return copy;
      },
      writable: true,
      configurable: true,
    });
  };

  // ArrayBuffer's own constructor property is redirected too, so `new buffer.constructor(n)` is
  // counted; its species only serves ArrayBuffer.prototype.slice, which is guarded anyway.
  const buffer = guard(OriginalArrayBuffer as unknown as Constructor, (args) => {
    const options = args[1] as { maxByteLength?: unknown } | undefined;
    const max = typeof options?.maxByteLength === 'number' ? options.maxByteLength : 0;
    return Math.max(Number(args[0]) || 0, max);
  });
  Object.defineProperty(OriginalArrayBuffer.prototype, 'constructor', {
    value: buffer,
    writable: true,
    configurable: true,
  });
  guardCopy(OriginalArrayBuffer.prototype, 'slice', (self: ArrayBuffer) => self.byteLength);

  // Typed arrays keep their own `constructor`: redirecting it turns off the engines' fast path for
  // every subarray, slice and map (subarray went from 0.5 to 9 µs in Chromium, and the Request–
  // Response chapter times a binary encoder). The methods that copy are guarded instead; reader code
  // that reaches an original constructor through an instance escapes the count, and is then caught
  // by the page's liveness check like any other crash (decisions/0026).
  for (const name of TYPED_ARRAYS) {
    const original = (globalThis as unknown as Record<string, Constructor | undefined>)[name];
    if (!original) continue;
    const size = (original as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
    guard(original, (args) => typedArrayBytes(args, size));
  }
  const typedArrayProto = Object.getPrototypeOf(Uint8Array.prototype) as object;
  for (const name of ['slice', 'map', 'filter', 'toReversed', 'toSorted', 'with']) {
    guardCopy(typedArrayProto, name, (self: Uint8Array) => self.byteLength);
  }
}
