import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { httpExchanges, parseJson } from '#exercise';
import { runSandboxInNode, type HarnessResult } from '#harness';

const dir = fileURLToPath(new URL('./', import.meta.url));
const clientSaid = (run: HarnessResult) =>
  run.logs.filter((line) => line.host === 'client').map((line) => line.text);

describe('signing-key rotation over real sockets: kid, a published key set, and retirement', () => {
  let run: HarnessResult;
  let removedAtOnce: HarnessResult;
  beforeAll(async () => {
    run = await runSandboxInNode(dir, { timeoutMs: 15_000 });
    removedAtOnce = await runSandboxInNode(dir, {
      timeoutMs: 15_000,
      params: { keepOld: 0, rounds: 3 },
    });
  }, 40_000);

  it('names the signing key in each token header (kid) and rotates it every two logins', () => {
    expect(run.logs.filter((line) => line.level === 'error')).toEqual([]);
    const rounds = clientSaid(run).filter((line) => line.startsWith('round '));
    expect(rounds.map((line) => /new token \((key-\d)\) 200 alice/.exec(line)?.[1])).toEqual([
      ...['key-1', 'key-1', 'key-2', 'key-2', 'key-3', 'key-3'],
    ]);
  });

  it('publishes public keys only, the old one beside the new until it retires', () => {
    const sets = httpExchanges(run.trace)
      .filter((exchange) => exchange.path === '/.well-known/jwks.json')
      .map((exchange) => parseJson(exchange.responseBody) as { keys: Record<string, string>[] });
    expect(sets.map((set) => set.keys.map((key) => key.kid).join(','))).toEqual([
      ...['key-1', 'key-1,key-2', 'key-2,key-3', 'key-2,key-3'],
      ...Array(6).fill('key-2,key-3'),
    ]);
    for (const key of sets.flatMap((set) => set.keys)) {
      expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
      expect(key).not.toHaveProperty('d'); // the private part never leaves auth
    }
  });

  it('accepts a token signed by the old key until that key leaves the set, then refuses it', () => {
    const old = clientSaid(run)
      .filter((line) => line.startsWith('round '))
      .map((line) => /round-1 token \(key-1\) (\d+)/.exec(line)?.[1]);
    expect(old).toEqual(['200', '200', '200', '200', '401', '401']);
    const refused = httpExchanges(run.trace).find(
      (exchange) => exchange.path === '/me' && exchange.status === 401,
    );
    expect(refused?.responseHeaders.get('www-authenticate')).toBe(
      'Bearer error="invalid_token", error_description="unknown key key-1"',
    );
  });

  it('breaks every older token at the first rotation when the old key is removed at once', () => {
    const rounds = clientSaid(removedAtOnce).filter((line) => line.startsWith('round '));
    expect(rounds.map((line) => /round-1 token \(key-1\) (\d+)/.exec(line)?.[1])).toEqual([
      ...['200', '200', '401'],
    ]);
  });

  it('fetches the key set for every unknown kid, made-up ones too (the exercise fixes this)', () => {
    expect(clientSaid(run).at(-1)).toBe(
      'tokens naming made-up-1 … made-up-5: 401, 401, 401, 401, 401',
    );
    const fetches = httpExchanges(run.trace).filter(
      (exchange) => exchange.from === 'api' && exchange.path === '/.well-known/jwks.json',
    );
    expect(fetches).toHaveLength(10); // 3 rotations, the old token in rounds 5 and 6, 5 made up
  });
});
