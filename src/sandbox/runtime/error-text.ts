/**
 * An error as the reader should see it in the sandbox console, and the host it belongs to. Runs in
 * the worker after reader code did, so it uses only captured built-ins (`intrinsics.ts`); what it
 * reads off the error (stack, name, message) is the reader's own text.
 */
import { formatConsoleArgs } from './console-format';
import {
  append,
  getPrototypeOf,
  joined,
  mapGet,
  OriginalError,
  regexpExec,
  safeList,
  stringIndexOf,
  stringSlice,
  type SafeList,
} from './intrinsics';
import { originalPosition, SandboxSyntaxError, type CompiledFile } from './source-positions';

const FRAME = /^\s*at (?:(.*?) \()?([\w.-]+\.ts):(\d+):(\d+)\)?$/;
const FILE_POSITION = /([\w.-]+\.ts):\d+:\d+/;

/** True for errors the runtime made itself (syntax errors), told by prototype, not `instanceof`. */
const isSyntaxError = (error: unknown): error is SandboxSyntaxError =>
  typeof error === 'object' &&
  error !== null &&
  getPrototypeOf(error) === SandboxSyntaxError.prototype;

function isError(error: unknown): error is Error {
  for (
    let proto = error;
    typeof proto === 'object' && proto !== null;
    proto = getPrototypeOf(proto)
  ) {
    if (proto === OriginalError.prototype) return true;
  }
  return false;
}

function stackOf(error: Error): string {
  const stack: unknown = error.stack;
  return typeof stack === 'string' ? stack : '';
}

/** The lines of `text` after the first one. */
function laterLines(text: string): SafeList<string> {
  const lines = safeList<string>();
  let start = stringIndexOf(text, '\n') + 1;
  while (start > 0) {
    const end = stringIndexOf(text, '\n', start);
    append(lines, stringSlice(text, start, end < 0 ? undefined : end));
    start = end + 1;
  }
  return lines;
}

/**
 * Message, then only the frames in the reader's files, at TypeScript positions. `wrapperLength`: the
 * module wrapper shares line 1 of each file, so columns there are shifted by its length.
 */
export function describeError(
  error: unknown,
  compiled: Map<string, CompiledFile>,
  wrapperLength: number,
): string {
  if (isSyntaxError(error)) return error.message;
  if (!isError(error)) return `Uncaught ${formatConsoleArgs([error])}`;
  const frames = safeList<string>();
  let where = '';
  const lines = laterLines(stackOf(error));
  for (let index = 0; index < lines.length; index += 1) {
    const match = regexpExec(FRAME, lines[index] ?? '');
    if (!match) continue;
    const file = match[2] ?? '';
    const unit = mapGet(compiled, file);
    if (!unit) continue;
    const generatedLine = +(match[3] ?? 0);
    const generatedColumn = +(match[4] ?? 0) - (generatedLine === 1 ? wrapperLength : 0);
    const position = originalPosition(unit, generatedLine, generatedColumn);
    const location = `${file}:${position.line}:${position.column}`;
    where ||= location;
    append(frames, `    at ${match[1] ? `${match[1]} (${location})` : location}`);
  }
  const head = `${error.name}: ${error.message}`;
  const first = where ? `${where} ${head}` : head;
  return frames.length > 0 ? `${first}\n${joined(frames, '\n')}` : first;
}

/** The host that owns the file an error's stack names first, if any. */
export function ownerOf(error: unknown, fileOwner: Map<string, string>): string | undefined {
  if (isSyntaxError(error)) return mapGet(fileOwner, error.file);
  const match = isError(error) ? regexpExec(FILE_POSITION, stackOf(error)) : null;
  return match?.[1] ? mapGet(fileOwner, match[1]) : undefined;
}
