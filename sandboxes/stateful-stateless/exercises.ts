// Exercises for this sandbox: the page checks them after every Run; solutions/ has one way to pass each.
import { httpExchanges, parseJson, type Exercise, type HttpExchange } from '#exercise';

const bearerOf = (exchange: HttpExchange) =>
  /^Bearer (.+)$/.exec(exchange.requestHeaders.get('authorization') ?? '')?.[1];

const bodyOf = (exchange: HttpExchange) =>
  (parseJson(exchange.responseBody) ?? {}) as Record<string, unknown>;

/** The JWT-shaped strings in a response body: header.payload.signature. */
const tokensIn = (exchange: HttpExchange) =>
  Object.values(bodyOf(exchange)).filter(
    (value): value is string => typeof value === 'string' && /^[\w-]+\.[\w-]+\.[\w-]+$/.test(value),
  );

/** A token's lifetime in seconds (exp − iat), or undefined if its payload is unreadable. */
function lifetimeOf(token: string): number | undefined {
  try {
    const part = (token.split('.')[1] ?? '').replace(/-/g, '+').replace(/_/g, '/');
    const claims = JSON.parse(atob(part)) as { iat?: unknown; exp?: unknown };
    return typeof claims.exp === 'number' && typeof claims.iat === 'number'
      ? claims.exp - claims.iat
      : undefined;
  } catch {
    return undefined;
  }
}

export const exercises: Exercise[] = [
  {
    id: 'route-by-session',
    title: 'Route each session to the instance that holds it',
    task: 'Make lb send every request that carries a session id to the instance that holds that session, so the session works in every round; requests without one (the token) must still go round robin to both instances.',
    hint: 'Tomcat does it with a jvmRoute: the app ends each session id with its own name (….app-1), and the balancer reads that suffix. In lb.ts, use it before the round robin.',
    check(run) {
      const exchanges = httpExchanges(run.trace);
      const asked = exchanges.filter(
        (exchange) =>
          exchange.from === 'client' &&
          exchange.path === '/me' &&
          exchange.requestHeaders.has('session-id'),
      );
      if (asked.length === 0) {
        return { pass: false, message: 'The client sent no GET /me with a session id.' };
      }
      const refused = asked.filter((exchange) => exchange.status !== 200);
      if (refused.length > 0) {
        const by = [...new Set(refused.map((exchange) => String(bodyOf(exchange).servedBy)))];
        return {
          pass: false,
          message: `${refused.length} of ${asked.length} requests with the session id were refused (by ${by.join(' and ')}): they reached an instance that does not hold the session.`,
        };
      }
      const forwarded = exchanges.filter(
        (exchange) => exchange.from === 'lb' && exchange.path === '/me',
      );
      const tokenTargets = new Set(
        forwarded.filter((exchange) => bearerOf(exchange)).map((exchange) => exchange.to),
      );
      if (tokenTargets.size < 2) {
        return {
          pass: false,
          message: `The session works, but every request with the token went to ${[...tokenTargets].join(', ') || 'no instance'}: pin only requests that carry a session id, and keep the rest round robin.`,
        };
      }
      const sessionTargets = new Set(
        forwarded
          .filter((exchange) => exchange.requestHeaders.has('session-id'))
          .map((exchange) => exchange.to),
      );
      return {
        pass: true,
        message: `All ${asked.length} requests with the session id reached ${[...sessionTargets].join(', ')} and got 200, while the token requests still went to ${[...tokenTargets].join(' and ')}.`,
      };
    },
  },
  {
    id: 'refresh-token',
    title: 'Short-lived access tokens with a refresh token',
    task: 'Make access tokens expire 2 seconds after they are issued, and return a long-lived refresh token at login too. Add POST /refresh, which checks a refresh token and returns a new access token, and make the client, when /me answers 401 “the token has expired”, get a new one there (without the password) and ask again.',
    hint: 'Sign the refresh token with a key of its own, so it can never pass as an access token. In client.ts, keep the access token in a variable you can replace.',
    check(run) {
      const exchanges = httpExchanges(run.trace).filter((exchange) => exchange.from === 'client');
      const login = exchanges.find(
        (exchange) => exchange.path === '/login' && exchange.status === 200,
      );
      const first = login && tokensIn(login)[0];
      if (!first) return { pass: false, message: 'No login was answered with a token.' };
      const lifetime = lifetimeOf(first);
      if (lifetime === undefined || lifetime > 60) {
        return {
          pass: false,
          message: `The access token from /login lives ${lifetime ?? '?'} s (exp − iat): a stolen one stays useful that long. Make it live 2 s.`,
        };
      }
      const expiredAt = exchanges.findIndex(
        (exchange) =>
          exchange.path === '/me' &&
          bearerOf(exchange) !== undefined &&
          exchange.status === 401 &&
          /expired/i.test(String(bodyOf(exchange).error)),
      );
      if (expiredAt < 0) {
        return {
          pass: false,
          message: `The access token lives ${lifetime} s, but no /me was answered “the token has expired” during the run.`,
        };
      }
      const after = exchanges.slice(expiredAt + 1);
      const issued = after.filter(
        (exchange) =>
          exchange.status === 200 &&
          exchange.path !== '/me' &&
          tokensIn(exchange).some((token) => token !== first),
      );
      const refresh = issued.find((exchange) => !exchange.requestBody.includes('wonderland'));
      if (!refresh) {
        return {
          pass: false,
          message: issued.length
            ? 'After the token expired, the client logged in again with its password: get the new access token with the refresh token instead.'
            : 'After the token expired, the client got no new access token.',
        };
      }
      const fresh = tokensIn(refresh).filter((token) => token !== first);
      const used = after.find(
        (exchange) =>
          exchange.path === '/me' &&
          exchange.status === 200 &&
          fresh.includes(bearerOf(exchange) ?? ''),
      );
      if (!used) {
        return {
          pass: false,
          message: `${refresh.method} ${refresh.path} returned a new token, but no /me with it was answered 200 afterwards.`,
        };
      }
      const renewed = lifetimeOf(bearerOf(used) ?? '');
      if (renewed === undefined || renewed > 60) {
        return {
          pass: false,
          message: `${refresh.method} ${refresh.path} handed out an access token that lives ${renewed ?? '?'} s: make it as short-lived as the first.`,
        };
      }
      return {
        pass: true,
        message: `The ${lifetime} s access token expired, ${refresh.method} ${refresh.path} swapped the refresh token for a new one without the password, and /me answered 200 with it.`,
      };
    },
  },
];
