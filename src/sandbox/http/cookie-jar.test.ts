import { describe, expect, it } from 'vitest';
import { createCookieJar } from './cookie-jar.ts';

const url = (path: string, port = 3000) => new URL(`http://127.0.0.1:${port}${path}`);

describe('createCookieJar', () => {
  it('sends a cookie back to the same origin only (each host is its own port)', () => {
    const jar = createCookieJar();
    jar.store(url('/login'), ['session=abc; Path=/; HttpOnly; SameSite=Lax']);
    expect(jar.header(url('/me'))).toBe('session=abc');
    expect(jar.header(url('/me', 3001))).toBeUndefined();
  });

  it('honours Path (default path included) and sends longer paths first', () => {
    const jar = createCookieJar();
    jar.store(url('/api/login'), ['a=1', 'b=2; Path=/', 'c=3; Path=/api/v2']);
    expect(jar.header(url('/api/v2/items'))).toBe('c=3; a=1; b=2');
    expect(jar.header(url('/api'))).toBe('a=1; b=2');
    expect(jar.header(url('/apiary'))).toBe('b=2');
  });

  it('replaces a cookie with the same name and path, and deletes it with Max-Age=0 or a past Expires', () => {
    const jar = createCookieJar();
    jar.store(url('/'), ['n=1; Path=/', 'm=1; Path=/']);
    jar.store(url('/'), ['n=2; Path=/']);
    expect(jar.header(url('/'))).toBe('n=2; m=1');
    jar.store(url('/'), [
      'n=; Path=/; Max-Age=0',
      'm=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT',
    ]);
    expect(jar.header(url('/'))).toBeUndefined();
  });
});
