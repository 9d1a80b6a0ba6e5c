// Exercises for this sandbox: the page checks them after every Run; solutions/ has one way to pass each.
import { httpExchanges, type Exercise } from '#exercise';

const TOKEN = 'Bearer dash-7f3c';

export const exercises: Exercise[] = [
  {
    id: 'token-through-preflight',
    title: 'Send an API token across origins, with one preflight',
    task: `The feed wants a token from the dashboard: make dashboard.ts send \`Authorization: ${TOKEN}\` on every stream request. The browser then asks first, with a preflight, even for the first GET: make server.ts allow that header, by name, since \`*\` never covers Authorization. One preflight must serve the whole run: the reconnects, which add Last-Event-ID, may not need a second one.`,
    hint: 'The preflight answer’s Access-Control-Allow-Headers may list more than was asked for: the browser caches each name it lists, for Access-Control-Max-Age seconds.',
    check(run) {
      const dashboard = httpExchanges(run.trace).filter(
        (exchange) => exchange.from === 'dashboard' && exchange.path === '/prices',
      );
      const streams = dashboard.filter((exchange) => exchange.method === 'GET');
      const authorized = streams.filter(
        (exchange) => exchange.requestHeaders.get('authorization') === TOKEN,
      );
      if (authorized.length === 0 || authorized.length < streams.length) {
        return {
          pass: false,
          message: `${authorized.length} of ${streams.length} stream request(s) from the dashboard carried Authorization: ${TOKEN}.`,
        };
      }
      const preflights = dashboard.filter((exchange) => exchange.method === 'OPTIONS');
      const asked = preflights[0];
      const allowed = (asked?.responseHeaders.get('access-control-allow-headers') ?? '')
        .split(',')
        .map((name) => name.trim().toLowerCase());
      if (!asked || !allowed.includes('authorization')) {
        return {
          pass: false,
          message: asked
            ? `The preflight was answered with Access-Control-Allow-Headers: ${allowed.join(', ') || 'nothing'}: Authorization must be named.`
            : 'No preflight came before the stream with Authorization: is it still sent through crossOriginFetch?',
        };
      }
      const read = streams.filter((exchange) => exchange.status === 200 && exchange.responseBody);
      if (read.length === 0) {
        return { pass: false, message: 'No stream with the token was answered 200 with prices.' };
      }
      const resumed = streams.filter((exchange) => exchange.requestHeaders.has('last-event-id'));
      if (resumed.length === 0) {
        return { pass: false, message: 'The dashboard never reconnected with Last-Event-ID.' };
      }
      if (preflights.length > 1) {
        return {
          pass: false,
          message: `${preflights.length} preflights for ${streams.length} streams: the first answer did not cover Last-Event-ID, so the reconnect asked again.`,
        };
      }
      return {
        pass: true,
        message: `${streams.length} streams with the token, ${resumed.length} of them resumed with Last-Event-ID, after one preflight that allowed ${allowed.join(', ')}.`,
      };
    },
  },
];
