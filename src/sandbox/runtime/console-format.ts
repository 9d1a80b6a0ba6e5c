/**
 * Turns console arguments into one line of text, roughly as browser and Node consoles print them:
 * strings as they are, other values in a compact, depth-limited, cycle-safe form. It runs in the
 * sandbox worker after reader code did, so it uses only built-ins captured before (`intrinsics.ts`):
 * a patched `Array.prototype.join` or `Map.prototype.forEach` changes nothing here.
 *
 * @example
 * formatConsoleArgs(['status', 201, { id: 1 }]) // 'status 201 { id: 1 }'
 */
import {
  append,
  dateToISOString,
  getPrototypeOf,
  isArray,
  joined,
  mapForEach,
  objectIs,
  objectKeys,
  OriginalError,
  OriginalMap,
  OriginalSet,
  OriginalString,
  regexpTest,
  safeList,
  setAdd,
  setForEach,
  setHas,
  stringSlice,
  symbolToString,
  uncurry,
  type SafeList,
} from './intrinsics';

const setDelete = uncurry(Set.prototype.delete as (this: Set<unknown>, value: unknown) => boolean);
const mapSize = uncurry(
  Object.getOwnPropertyDescriptor(Map.prototype, 'size')?.get as (
    this: Map<unknown, unknown>,
  ) => number,
);
const setSize = uncurry(
  Object.getOwnPropertyDescriptor(Set.prototype, 'size')?.get as (this: Set<unknown>) => number,
);
const OriginalDate = Date;
const OriginalRegExp = RegExp;
const OriginalArrayBuffer = ArrayBuffer;
const isView = ArrayBuffer.isView;
const regexpToString = uncurry(RegExp.prototype.toString);
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

export function formatConsoleArgs(args: unknown[]): string {
  const parts = safeList<string>();
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index];
    append(parts, typeof arg === 'string' ? arg : formatValue(arg, 0, new OriginalSet()));
  }
  return joined(parts, ' ');
}

const MAX_DEPTH = 3;
const MAX_ITEMS = 50;

/** True when `proto` is on `value`'s prototype chain (what `instanceof` asks, without `Symbol.hasInstance`). */
function inherits(value: object, proto: object): boolean {
  for (let at = getPrototypeOf(value); at !== null; at = getPrototypeOf(at)) {
    if (at === proto) return true;
  }
  return false;
}

function quote(text: string): string {
  let quoted = '';
  let from = 0;
  for (let index = 0; index < text.length; index += 1) {
    if (text[index] !== "'") continue;
    quoted += `${stringSlice(text, from, index)}\\'`;
    from = index + 1;
  }
  return `'${quoted}${stringSlice(text, from)}'`;
}

function formatValue(value: unknown, depth: number, seen: Set<unknown>): string {
  switch (typeof value) {
    case 'string':
      return depth === 0 ? value : quote(value);
    case 'number':
      return objectIs(value, -0) ? '-0' : `${value}`;
    case 'bigint':
      return `${value}n`;
    case 'boolean':
    case 'undefined':
      return `${value}`;
    case 'symbol':
      return symbolToString(value);
    case 'function':
      return `[Function: ${OriginalString((value as { name?: unknown }).name) || '(anonymous)'}]`;
  }
  if (value === null) return 'null';
  if (setHas(seen, value)) return '[Circular]';
  const object = value as object;
  if (inherits(object, OriginalError.prototype)) {
    const error = value as Error;
    return typeof error.stack === 'string' ? error.stack : `${error.name}: ${error.message}`;
  }
  if (inherits(object, OriginalDate.prototype)) return dateToISOString(value as Date);
  if (inherits(object, OriginalRegExp.prototype)) return regexpToString(value as RegExp);
  if (depth >= MAX_DEPTH) return isArray(value) ? '[Array]' : '[Object]';
  setAdd(seen, value);
  try {
    return formatObject(object, depth, seen);
  } finally {
    setDelete(seen, value);
  }
}

function formatObject(value: object, depth: number, seen: Set<unknown>): string {
  if (isArray(value)) return formatList(value, depth, seen, '[', ']');
  if (inherits(value, OriginalMap.prototype)) {
    const items = safeList<string>();
    mapForEach(value as Map<unknown, unknown>, (item, key) => {
      append(
        items,
        `${formatValue(key, depth + 1, seen)} => ${formatValue(item, depth + 1, seen)}`,
      );
    });
    return `Map(${mapSize(value as Map<unknown, unknown>)}) ${wrap(items, '{', '}')}`;
  }
  if (inherits(value, OriginalSet.prototype)) {
    const items = safeList<unknown>();
    setForEach(value as Set<unknown>, (item) => append(items, item));
    return `Set(${setSize(value as Set<unknown>)}) ${formatList(items, depth, seen, '{', '}')}`;
  }
  if (inherits(value, OriginalArrayBuffer.prototype)) {
    return `ArrayBuffer { byteLength: ${(value as ArrayBuffer).byteLength} }`;
  }
  if (isView(value)) return `${constructorName(value)}(${value.byteLength})`;
  if (typeof Response !== 'undefined' && value instanceof Response) {
    return `Response { status: ${value.status}, url: '${value.url}' }`;
  }
  if (typeof Request !== 'undefined' && value instanceof Request) {
    return `Request { method: '${value.method}', url: '${value.url}' }`;
  }
  const record = value as Record<string, unknown>;
  const keys = objectKeys(record);
  const entries = safeList<string>();
  for (let index = 0; index < keys.length && index < MAX_ITEMS; index += 1) {
    const key = keys[index] ?? '';
    const name = regexpTest(IDENTIFIER, key) ? key : `'${key}'`;
    append(entries, `${name}: ${formatValue(record[key], depth + 1, seen)}`);
  }
  const name = constructorName(value);
  return (name && name !== 'Object' ? `${name} ` : '') + wrap(entries, '{', '}');
}

function constructorName(value: object): string {
  const { constructor } = value as { constructor?: { name?: unknown } };
  return typeof constructor?.name === 'string' ? constructor.name : '';
}

function formatList(
  items: SafeList<unknown>,
  depth: number,
  seen: Set<unknown>,
  open: string,
  close: string,
): string {
  const shown = safeList<string>();
  for (let index = 0; index < items.length && index < MAX_ITEMS; index += 1) {
    append(shown, formatValue(items[index], depth + 1, seen));
  }
  if (items.length > MAX_ITEMS) append(shown, `… ${items.length - MAX_ITEMS} more items`);
  return wrap(shown, open, close);
}

function wrap(parts: SafeList<string>, open: string, close: string): string {
  return parts.length === 0 ? `${open}${close}` : `${open} ${joined(parts, ', ')} ${close}`;
}
