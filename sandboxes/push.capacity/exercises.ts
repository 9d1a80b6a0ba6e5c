// Exercises for this sandbox: the page checks them after every Run; solutions/ has one way to pass each.
import { httpExchanges, parseJson, type Exercise } from '#exercise';

const CEILING = 200;

export const exercises: Exercise[] = [
  {
    id: 'cap-sockets',
    title: 'Refuse the sockets the server cannot afford',
    task: `The server admits every socket it is offered, until the process runs out of descriptors or memory. Give it a ceiling of ${CEILING} sockets: close each socket past it at once with code 1013 (Try Again Later), which tells a client to come back later, with backoff. The crowd's last step must show ${CEILING} connected and the rest refused, and no row of the table more than ${CEILING} sockets.`,
    hint: `Add const MAX_SOCKETS = ${CEILING}; at the top of server.ts. At the start of websocket.open: if (subscribers.size >= MAX_SOCKETS) return peer.close(1013, 'full, try again later');`,
    check(run) {
      const held = httpExchanges(run.trace)
        .filter((exchange) => exchange.path === '/stats' && exchange.status === 200)
        .map((exchange) => (parseJson(exchange.responseBody) as { sockets?: unknown })?.sockets)
        .filter((sockets): sockets is number => typeof sockets === 'number');
      const most = Math.max(0, ...held);
      const refused = run.trace.filter(
        (event) => event.kind === 'ws-close' && event.from === 'server' && event.code === 1013,
      ).length;
      if (held.length === 0) {
        return { pass: false, message: 'No GET /stats was answered: the table never printed.' };
      }
      if (most > CEILING) {
        return {
          pass: false,
          message: `The server held ${most.toLocaleString('en-US')} sockets at once (GET /stats), more than ${CEILING}.`,
        };
      }
      if (refused === 0) {
        return {
          pass: false,
          message: `No socket was closed with 1013: the server held at most ${most} because fewer were offered, not because it refused any.`,
        };
      }
      if (most < CEILING) {
        return {
          pass: false,
          message: `The server refused ${refused} sockets but never held more than ${most}: admit up to ${CEILING}.`,
        };
      }
      return {
        pass: true,
        message: `The server held ${CEILING} sockets and refused ${refused} with 1013 Try Again Later.`,
      };
    },
  },
];
