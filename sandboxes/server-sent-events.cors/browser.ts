// What a browser does around fetch() from a page on one origin to a URL on another: the Fetch
// standard's CORS protocol, EMULATED. Neither the page's network nor Node's fetch enforces CORS,
// and page code cannot set Origin or Access-Control-Request-* (forbidden request-headers), so this
// file sends them as X-Emulated-<name> and makes the checks a browser makes, before your code may
// read a byte of the answer.
const SAFE_METHODS = new Set(['GET', 'HEAD', 'POST']);
const NOT_SAFE_BYTE = /[\x00-\x08\x0a-\x1f"():<>?@[\\\]{}\x7f]/; // Fetch: CORS-unsafe request-header byte
const FORM_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];

/** The preflight cache: "method GET" or "header last-event-id" → expiry, per page, URL, credentials. */
const cache = new Map<string, number>();

export interface CrossOriginInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  credentials?: 'omit' | 'same-origin' | 'include'; // what EventSource's withCredentials sets
  signal?: AbortSignal;
}

export async function crossOriginFetch(page: string, url: URL, init: CrossOriginInit = {}) {
  const method = (init.method ?? 'GET').toUpperCase();
  const include = init.credentials === 'include';
  const unsafe = unsafeNames(init.headers ?? {});
  const key = `${page} ${url.href} ${include}`;
  const cached = (entry: string) => (cache.get(`${key} ${entry}`) ?? 0) > Date.now();
  const covered = (name: string) =>
    cached(`header ${name}`) || (name !== 'authorization' && cached('header *'));
  if ((!SAFE_METHODS.has(method) && !cached(`method ${method}`)) || !unsafe.every(covered)) {
    await preflight(page, url, method, unsafe, include, key);
  } else if (unsafe.length > 0) {
    console.log(`browser: the cached preflight covers ${method} with ${unsafe.join(', ')}`);
  }
  const headers = { ...init.headers, 'x-emulated-origin': page };
  const response = await fetch(url, { method, headers, body: init.body, signal: init.signal });
  const refused = corsCheck(page, response, include);
  if (refused) {
    await response.body?.cancel(); // the answer came; the page never sees it
    block(page, url, refused);
  }
  return response;
}

/** OPTIONS first: may this page send this method with these headers? (Fetch, CORS-preflight fetch) */
async function preflight(
  page: string,
  url: URL,
  method: string,
  unsafe: string[],
  include: boolean,
  key: string,
): Promise<void> {
  const headers: Record<string, string> = {
    'x-emulated-origin': page,
    'x-emulated-access-control-request-method': method,
  };
  if (unsafe.length > 0) headers['x-emulated-access-control-request-headers'] = unsafe.join(',');
  console.log(`browser: preflight for ${method} with ${unsafe.join(', ') || 'no extra headers'}`);
  const response = await fetch(url, { method: 'OPTIONS', headers }); // never with credentials
  const list = (name: string) =>
    (response.headers.get(name) ?? '')
      .split(',')
      .map((item) => item.trim().toLowerCase())
      .filter(Boolean);
  const methods = list('access-control-allow-methods').map((item) => item.toUpperCase());
  const names = list('access-control-allow-headers');
  const wild = (items: string[]) => !include && items.includes('*');
  let refused = corsCheck(page, response, include);
  if (!refused && !response.ok)
    refused = `Response to preflight request doesn't pass access control check: It does not have HTTP ok status.`;
  if (!refused && !SAFE_METHODS.has(method) && !methods.includes(method) && !wild(methods))
    refused = `Method ${method} is not allowed by Access-Control-Allow-Methods in preflight response.`;
  const missing = unsafe.find(
    (name) => !names.includes(name) && (name === 'authorization' || !wild(names)),
  );
  if (!refused && missing)
    refused = `Request header field ${missing} is not allowed by Access-Control-Allow-Headers in preflight response.`;
  if (refused) block(page, url, refused);
  const maxAge = Number(response.headers.get('access-control-max-age') ?? 5); // 5 s without it
  const until = Date.now() + maxAge * 1000;
  for (const item of methods) cache.set(`${key} method ${item}`, until);
  for (const item of names) cache.set(`${key} header ${item}`, until);
  console.log(`browser: preflight passed; the browser may reuse it for ${maxAge} s`);
}

/** Fetch's CORS check: may the page read this response? A reason if not, as DevTools words it. */
function corsCheck(page: string, response: Response, include: boolean): string | undefined {
  const origin = response.headers.get('access-control-allow-origin');
  if (origin === null)
    return `No 'Access-Control-Allow-Origin' header is present on the requested resource.`;
  if (!include && origin === '*') return undefined;
  if (origin === '*')
    return `The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'.`;
  if (origin !== page)
    return `The 'Access-Control-Allow-Origin' header has a value '${origin}' that is not equal to the supplied origin.`;
  if (!include || response.headers.get('access-control-allow-credentials') === 'true')
    return undefined;
  return `The value of the 'Access-Control-Allow-Credentials' header in the response is '${response.headers.get('access-control-allow-credentials') ?? ''}' which must be 'true' when the request's credentials mode is 'include'.`;
}

function block(page: string, url: URL, why: string): never {
  // DevTools shows this; the page's code gets only the TypeError, with no status and no headers.
  console.warn(
    `browser: Access to fetch at '${url.href}' from origin '${page}' has been blocked by CORS policy: ${why}`,
  );
  throw new TypeError('Failed to fetch');
}

/** The headers a page sets that CORS does not let through unasked (Fetch: CORS-unsafe request-header names). */
function unsafeNames(headers: Record<string, string>): string[] {
  const safe = (name: string, value: string) => {
    if (value.length > 128) return false;
    if (name === 'accept') return !NOT_SAFE_BYTE.test(value);
    if (name === 'accept-language' || name === 'content-language')
      return /^[0-9A-Za-z *,.;=-]*$/.test(value);
    if (name === 'content-type')
      return (
        !NOT_SAFE_BYTE.test(value) &&
        FORM_TYPES.includes(value.split(';')[0]?.trim().toLowerCase() ?? '')
      );
    return false;
  };
  return Object.entries(headers)
    .filter(([name, value]) => !safe(name.toLowerCase(), value))
    .map(([name]) => name.toLowerCase())
    .sort();
}
