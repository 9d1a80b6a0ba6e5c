// Exercises for this sandbox: the page checks them after every Run; solutions/ has one way to pass each.
import { httpExchanges, parseJson, type Exercise, type HttpExchange } from '#exercise';

const bearerOf = (exchange: HttpExchange) =>
  /^Bearer (.+)$/.exec(exchange.requestHeaders.get('authorization') ?? '')?.[1];

/** The kid in the header of the request's Bearer token, if it has one. */
function kidOf(exchange: HttpExchange): string | undefined {
  try {
    const part = (bearerOf(exchange)?.split('.')[0] ?? '').replace(/-/g, '+').replace(/_/g, '/');
    return (JSON.parse(atob(part)) as { kid?: string }).kid;
  } catch {
    return undefined;
  }
}

export const exercises: Exercise[] = [
  {
    id: 'jwks-cooldown',
    title: 'Do not let an unknown kid fetch the key set every time',
    task: 'Each token that names a kid the API has not cached makes it fetch the key set from auth, and anyone can write a kid: the five made-up ones at the end cost five fetches. Make api.ts fetch the set at most once per cooldown (jose waits 30 s; a few hundred milliseconds here), while new keys from a real rotation are still picked up.',
    hint: 'Remember when refreshKeys last ran; when the kid is unknown and that was less than the cooldown ago, refuse without fetching.',
    check(run) {
      const exchanges = httpExchanges(run.trace);
      const asked = exchanges.filter(
        (exchange) => exchange.from === 'client' && exchange.path === '/me',
      );
      const madeUp = asked.filter((exchange) => kidOf(exchange)?.startsWith('made-up-'));
      const firstMadeUp = madeUp[0];
      if (!firstMadeUp) {
        return {
          pass: false,
          message: 'The client sent no token with a made-up kid: keep that part of client.ts.',
        };
      }
      if (madeUp.some((exchange) => exchange.status !== 401)) {
        return { pass: false, message: 'A token with a made-up kid was not refused with 401.' };
      }
      const fetches = exchanges.filter(
        (exchange) =>
          exchange.from === 'api' &&
          exchange.path === '/.well-known/jwks.json' &&
          exchange.sent >= firstMadeUp.sent,
      );
      if (fetches.length > 2) {
        return {
          pass: false,
          message: `${madeUp.length} tokens with made-up kids cost ${fetches.length} fetches of the key set: anyone can make the API hammer the issuer.`,
        };
      }
      // The tokens asked with right after the login that issued them.
      let issued: unknown;
      const fresh = exchanges.filter((exchange) => {
        if (exchange.path === '/login')
          issued = (parseJson(exchange.responseBody) as { token?: unknown })?.token;
        return (
          exchange.path === '/me' && exchange.from === 'client' && bearerOf(exchange) === issued
        );
      });
      const refused = fresh.filter((exchange) => exchange.status !== 200);
      if (fresh.length === 0 || refused.length > 0) {
        return {
          pass: false,
          message: `${refused.length} freshly issued token(s) were refused (${refused.map(kidOf).join(', ')}): a real rotation must still be picked up.`,
        };
      }
      return {
        pass: true,
        message: `${madeUp.length} made-up kids cost ${fetches.length} fetch(es) of the key set, and every fresh token (${[...new Set(fresh.map(kidOf))].join(', ')}) was still accepted.`,
      };
    },
  },
];
