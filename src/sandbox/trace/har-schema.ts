/**
 * Checks a document against the HAR 1.2 format, written from the specification
 * (http://www.softwareishard.com/blog/har-12-spec/, mirrored at github.com/ahmadnassri/har-spec
 * versions/1.2.md): required fields and their types, ISO 8601 times, non-negative send/wait/receive,
 * `postData.text` and `params` mutually exclusive. Custom fields start with "_" and are allowed.
 * Pure and environment-neutral; returns problems as "path: what is wrong".
 */

type Json = Record<string, unknown>;
type FieldType = 'string' | 'number' | 'object' | 'array' | 'boolean';

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** ISO 8601 date-time as the spec's examples write it: `2009-07-24T19:20:30.45+01:00`. */
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

class Checker {
  readonly problems: string[] = [];

  /** Checks that `object[name]` exists (when required) and has the type; returns whether it is there and right. */
  field(object: Json, path: string, name: string, type: FieldType, required = true): boolean {
    const value = object[name];
    if (value === undefined) {
      if (required) this.problems.push(`${path}.${name}: required ${type} is missing`);
      return false;
    }
    const actual = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
    if (actual !== type) {
      this.problems.push(`${path}.${name}: expected ${type}, found ${actual}`);
      return false;
    }
    return true;
  }

  /** `comment` is optional everywhere in 1.2 but must be a string. */
  comment(object: Json, path: string): void {
    this.field(object, path, 'comment', 'string', false);
  }

  nameValues(list: unknown, path: string, valueRequired = true): void {
    if (!Array.isArray(list)) return;
    list.forEach((item, index) => {
      const at = `${path}[${index}]`;
      if (!isObject(item)) {
        this.problems.push(`${at}: expected object`);
        return;
      }
      this.field(item, at, 'name', 'string');
      this.field(item, at, 'value', 'string', valueRequired);
      this.comment(item, at);
    });
  }

  cookies(list: unknown, path: string): void {
    this.nameValues(list, path);
    if (!Array.isArray(list)) return;
    list.forEach((item, index) => {
      if (!isObject(item)) return;
      const at = `${path}[${index}]`;
      for (const name of ['path', 'domain', 'expires']) this.field(item, at, name, 'string', false);
      for (const name of ['httpOnly', 'secure']) this.field(item, at, name, 'boolean', false);
    });
  }

  time(object: Json, path: string, name: string, required = true): void {
    if (!this.field(object, path, name, 'string', required)) return;
    const value = object[name] as string;
    if (!ISO_8601.test(value) || Number.isNaN(Date.parse(value)))
      this.problems.push(`${path}.${name}: "${value}" is not an ISO 8601 date-time`);
  }
}

function checkRequest(check: Checker, request: Json, path: string): void {
  check.field(request, path, 'method', 'string');
  check.field(request, path, 'url', 'string');
  check.field(request, path, 'httpVersion', 'string');
  if (check.field(request, path, 'cookies', 'array'))
    check.cookies(request.cookies, `${path}.cookies`);
  if (check.field(request, path, 'headers', 'array'))
    check.nameValues(request.headers, `${path}.headers`);
  if (check.field(request, path, 'queryString', 'array'))
    check.nameValues(request.queryString, `${path}.queryString`);
  check.field(request, path, 'headersSize', 'number');
  check.field(request, path, 'bodySize', 'number');
  check.comment(request, path);
  if (check.field(request, path, 'postData', 'object', false)) {
    const postData = request.postData as Json;
    const at = `${path}.postData`;
    check.field(postData, at, 'mimeType', 'string');
    const hasText = check.field(postData, at, 'text', 'string', false);
    const hasParams = check.field(postData, at, 'params', 'array', false);
    if (hasText && hasParams && (postData.params as unknown[]).length > 0)
      check.problems.push(`${at}: text and params are mutually exclusive`);
    if (hasParams) check.nameValues(postData.params, `${at}.params`, false);
    check.comment(postData, at);
  }
}

function checkResponse(check: Checker, response: Json, path: string): void {
  check.field(response, path, 'status', 'number');
  check.field(response, path, 'statusText', 'string');
  check.field(response, path, 'httpVersion', 'string');
  if (check.field(response, path, 'cookies', 'array'))
    check.cookies(response.cookies, `${path}.cookies`);
  if (check.field(response, path, 'headers', 'array'))
    check.nameValues(response.headers, `${path}.headers`);
  if (check.field(response, path, 'content', 'object')) {
    const content = response.content as Json;
    const at = `${path}.content`;
    check.field(content, at, 'size', 'number');
    check.field(content, at, 'compression', 'number', false);
    check.field(content, at, 'mimeType', 'string');
    check.field(content, at, 'text', 'string', false);
    check.field(content, at, 'encoding', 'string', false);
    check.comment(content, at);
  }
  check.field(response, path, 'redirectURL', 'string');
  check.field(response, path, 'headersSize', 'number');
  check.field(response, path, 'bodySize', 'number');
  check.comment(response, path);
}

const OPTIONAL_TIMINGS = ['blocked', 'dns', 'connect', 'ssl'] as const;
const REQUIRED_TIMINGS = ['send', 'wait', 'receive'] as const;

function checkTimings(check: Checker, entry: Json, path: string): void {
  if (!check.field(entry, path, 'timings', 'object')) return;
  const timings = entry.timings as Json;
  const at = `${path}.timings`;
  let sum = 0;
  for (const name of REQUIRED_TIMINGS) {
    if (!check.field(timings, at, name, 'number')) continue;
    const value = timings[name] as number;
    if (value < 0) check.problems.push(`${at}.${name}: must not be negative (${value})`);
    sum += value;
  }
  for (const name of OPTIONAL_TIMINGS) {
    if (!check.field(timings, at, name, 'number', false)) continue;
    const value = timings[name] as number;
    if (value < -1) check.problems.push(`${at}.${name}: must be -1 or not negative (${value})`);
    // ssl is already included in connect (spec: "to ensure backward compatibility with HAR 1.1").
    if (value > 0 && name !== 'ssl') sum += value;
  }
  check.comment(timings, at);
  // entry.time is "the sum of all timings available in the timings object (i.e. not including -1 values)".
  if (typeof entry.time === 'number' && Math.abs(entry.time - sum) > 1)
    check.problems.push(`${path}.time: ${entry.time} is not the sum of its timings (${sum})`);
}

/** Problems that keep `doc` from being HAR 1.2; empty when it conforms. */
export function harProblems(doc: unknown): string[] {
  const check = new Checker();
  if (!isObject(doc) || !isObject(doc.log)) return ['log: required object is missing'];
  const log = doc.log;
  if (check.field(log, 'log', 'version', 'string') && log.version !== '1.2')
    check.problems.push(`log.version: expected "1.2", found "${String(log.version)}"`);
  if (check.field(log, 'log', 'creator', 'object')) {
    check.field(log.creator as Json, 'log.creator', 'name', 'string');
    check.field(log.creator as Json, 'log.creator', 'version', 'string');
  }
  if (check.field(log, 'log', 'browser', 'object', false)) {
    check.field(log.browser as Json, 'log.browser', 'name', 'string');
    check.field(log.browser as Json, 'log.browser', 'version', 'string');
  }
  check.comment(log, 'log');
  const pageIds = new Set<string>();
  if (check.field(log, 'log', 'pages', 'array', false)) {
    (log.pages as unknown[]).forEach((page, index) => {
      const at = `log.pages[${index}]`;
      if (!isObject(page)) return void check.problems.push(`${at}: expected object`);
      check.time(page, at, 'startedDateTime');
      if (check.field(page, at, 'id', 'string')) pageIds.add(page.id as string);
      check.field(page, at, 'title', 'string');
      check.field(page, at, 'pageTimings', 'object');
    });
  }
  if (!check.field(log, 'log', 'entries', 'array')) return check.problems;
  (log.entries as unknown[]).forEach((entry, index) => {
    const at = `log.entries[${index}]`;
    if (!isObject(entry)) return void check.problems.push(`${at}: expected object`);
    if (check.field(entry, at, 'pageref', 'string', false) && !pageIds.has(entry.pageref as string))
      check.problems.push(`${at}.pageref: no page has id "${String(entry.pageref)}"`);
    check.time(entry, at, 'startedDateTime');
    check.field(entry, at, 'time', 'number');
    if (check.field(entry, at, 'request', 'object'))
      checkRequest(check, entry.request as Json, `${at}.request`);
    if (check.field(entry, at, 'response', 'object'))
      checkResponse(check, entry.response as Json, `${at}.response`);
    check.field(entry, at, 'cache', 'object');
    checkTimings(check, entry, at);
    check.field(entry, at, 'serverIPAddress', 'string', false);
    check.field(entry, at, 'connection', 'string', false);
    check.comment(entry, at);
  });
  return check.problems;
}
