/**
 * The cookie jar clients use, in the page and in Node (and in the StackBlitz project, next to
 * run.ts). Environment-neutral: no DOM, no node:* imports.
 */
// Keyed by origin, not host name: in Node every host is a different port on 127.0.0.1, and a real
// browser would otherwise share cookies between them (cookies ignore ports).

/** Where a request goes, as far as cookies care (a URL, or the two fields read off one). */
export type CookiePlace = Pick<URL, 'origin' | 'pathname'>;

export interface CookieJar {
  /** The Cookie header value for a request to `url`, or undefined when no cookie applies. */
  header(url: CookiePlace): string | undefined;
  /** Stores the Set-Cookie header values of a response from `url`. */
  store(url: CookiePlace, setCookies: string[]): void;
}

interface StoredCookie {
  name: string;
  value: string;
  path: string;
  expires: number;
}

/**
 * A small RFC 6265 cookie jar: host-only cookies per origin, Path and Max-Age/Expires honoured.
 *
 * @example
 * const jar = createCookieJar();
 * jar.store(new URL('http://127.0.0.1:3000/login'), ['session=abc; Path=/; HttpOnly']);
 * jar.header(new URL('http://127.0.0.1:3000/me')); // 'session=abc'
 */
export function createCookieJar(): CookieJar {
  const byOrigin = new Map<string, Map<string, StoredCookie>>();
  return {
    header(url) {
      const cookies = byOrigin.get(url.origin);
      if (!cookies) return undefined;
      const now = Date.now();
      const matching = [...cookies.values()]
        .filter((cookie) => {
          if (cookie.expires <= now) {
            cookies.delete(`${cookie.path}\n${cookie.name}`);
            return false;
          }
          return pathMatches(url.pathname, cookie.path);
        })
        .sort((a, b) => b.path.length - a.path.length);
      if (matching.length === 0) return undefined;
      return matching.map((cookie) => `${cookie.name}=${cookie.value}`).join('; ');
    },
    store(url, setCookies) {
      for (const line of setCookies) {
        const [pair = '', ...attributes] = line.split(';');
        const eq = pair.indexOf('=');
        if (eq === -1) continue;
        const name = pair.slice(0, eq).trim();
        const value = pair.slice(eq + 1).trim();
        if (name === '') continue;
        let path = defaultPath(url.pathname);
        let expires = Number.POSITIVE_INFINITY;
        let maxAgeSeen = false;
        for (const attribute of attributes) {
          const at = attribute.indexOf('=');
          const key = (at === -1 ? attribute : attribute.slice(0, at)).trim().toLowerCase();
          const val = at === -1 ? '' : attribute.slice(at + 1).trim();
          if (key === 'path' && val.startsWith('/')) path = val;
          else if (key === 'max-age' && /^-?\d+$/.test(val)) {
            maxAgeSeen = true;
            expires = Date.now() + Number(val) * 1000;
          } else if (key === 'expires' && !maxAgeSeen) {
            const date = Date.parse(val);
            if (!Number.isNaN(date)) expires = date;
          }
        }
        let cookies = byOrigin.get(url.origin);
        if (!cookies) byOrigin.set(url.origin, (cookies = new Map()));
        const key = `${path}\n${name}`;
        if (expires <= Date.now()) cookies.delete(key);
        else cookies.set(key, { name, value, path, expires });
      }
    },
  };
}

function defaultPath(pathname: string): string {
  const slash = pathname.lastIndexOf('/');
  return slash <= 0 ? '/' : pathname.slice(0, slash);
}

function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/';
}
