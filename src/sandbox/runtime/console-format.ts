/**
 * Turns console arguments into one line of text, roughly as browser and Node consoles print them:
 * strings as they are, other values in a compact, depth-limited, cycle-safe form.
 *
 * @example
 * formatConsoleArgs(['status', 201, { id: 1 }]) // 'status 201 { id: 1 }'
 */
export function formatConsoleArgs(args: unknown[]): string {
  return args
    .map((arg) => (typeof arg === 'string' ? arg : formatValue(arg, 0, new Set())))
    .join(' ');
}

const MAX_DEPTH = 3;
const MAX_ITEMS = 50;

function formatValue(value: unknown, depth: number, seen: Set<unknown>): string {
  switch (typeof value) {
    case 'string':
      return depth === 0 ? value : `'${value.replace(/'/g, "\\'")}'`;
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value);
    case 'bigint':
      return `${value}n`;
    case 'boolean':
    case 'undefined':
      return String(value);
    case 'symbol':
      return value.toString();
    case 'function':
      return `[Function: ${value.name || '(anonymous)'}]`;
  }
  if (value === null) return 'null';
  if (seen.has(value)) return '[Circular]';
  if (value instanceof Error) return value.stack ?? `${value.name}: ${value.message}`;
  if (value instanceof Date) return value.toISOString();
  if (value instanceof RegExp) return String(value);
  if (depth >= MAX_DEPTH) return Array.isArray(value) ? '[Array]' : '[Object]';
  seen.add(value);
  try {
    if (Array.isArray(value)) return formatList(value, depth, seen, '[', ']');
    if (value instanceof Map) {
      const items = [...value].map(
        ([key, item]) =>
          `${formatValue(key, depth + 1, seen)} => ${formatValue(item, depth + 1, seen)}`,
      );
      return `Map(${value.size}) ${wrap(items, '{', '}')}`;
    }
    if (value instanceof Set)
      return `Set(${value.size}) ${formatList([...value], depth, seen, '{', '}')}`;
    if (value instanceof ArrayBuffer) return `ArrayBuffer { byteLength: ${value.byteLength} }`;
    if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${value.byteLength})`;
    if (typeof Response !== 'undefined' && value instanceof Response) {
      return `Response { status: ${value.status}, url: '${value.url}' }`;
    }
    if (typeof Request !== 'undefined' && value instanceof Request) {
      return `Request { method: '${value.method}', url: '${value.url}' }`;
    }
    const record = value as Record<string, unknown>;
    const entries = Object.keys(record)
      .slice(0, MAX_ITEMS)
      .map(
        (key) =>
          `${/^[A-Za-z_$][\w$]*$/.test(key) ? key : `'${key}'`}: ${formatValue(record[key], depth + 1, seen)}`,
      );
    const { constructor } = value as { constructor?: { name: string } };
    const name = constructor && constructor !== Object ? `${constructor.name} ` : '';
    return name + wrap(entries, '{', '}');
  } finally {
    seen.delete(value);
  }
}

function formatList(
  items: unknown[],
  depth: number,
  seen: Set<unknown>,
  open: string,
  close: string,
): string {
  const shown = items.slice(0, MAX_ITEMS).map((item) => formatValue(item, depth + 1, seen));
  if (items.length > MAX_ITEMS) shown.push(`… ${items.length - MAX_ITEMS} more items`);
  return wrap(shown, open, close);
}

function wrap(parts: string[], open: string, close: string): string {
  return parts.length === 0 ? `${open}${close}` : `${open} ${parts.join(', ')} ${close}`;
}
