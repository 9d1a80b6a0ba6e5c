// Exercises for this sandbox: the page checks them after every Run; solutions/ has one way to pass each.
import type { Exercise, ExerciseRun } from '#exercise';
import type { TraceEvent } from '#trace/events';

type WsMessage = Extract<TraceEvent, { kind: 'ws-message' }>;

/** The WebSocket messages of `client`'s first connection, in order. */
function firstConnection(run: ExerciseRun, client: string): WsMessage[] {
  const open = run.trace.find((event) => event.kind === 'ws-open' && event.from === client);
  return run.trace.filter(
    (event): event is WsMessage => event.kind === 'ws-message' && event.exchange === open?.exchange,
  );
}

export const exercises: Exercise[] = [
  {
    id: 'open-the-windows',
    title: 'Let the whole download flow without one WINDOW_UPDATE wait',
    task: 'Change download.ts so the server can send all of /export (256 KiB) at once: it must never stop to wait for a WINDOW_UPDATE. Both windows limit it: the stream’s and the connection’s.',
    hint: 'Connection.connect takes an initialWindow (SETTINGS_INITIAL_WINDOW_SIZE, the stream window). The connection window ignores SETTINGS: only connection.grant(0, increment), a WINDOW_UPDATE on stream 0, raises it. Do both before request().',
    check(run) {
      if (!run.ok) return { pass: false, message: 'The run ended with an error.' };
      const messages = firstConnection(run, 'download');
      // DATA frames are the big messages from the server; a header or control frame is far smaller.
      const first = messages.findIndex((m) => m.from === 'server' && m.size > 1000);
      const last = messages.findLastIndex((m) => m.from === 'server');
      if (first < 0) return { pass: false, message: 'download received no DATA from the server.' };
      const between = messages.slice(first, last + 1);
      const received = between
        .filter((m) => m.from === 'server')
        .reduce((sum, m) => sum + m.size, 0);
      const done = run.logs.some(
        (line) => line.host === 'download' && /: 200, \d+ bytes/.test(line.text),
      );
      if (!done)
        return { pass: false, message: 'download did not log its 200 and the size it got.' };
      const waits = between.filter((m) => m.from === 'download').length;
      if (waits > 0) {
        return {
          pass: false,
          message: `The server stopped ${waits} time${waits === 1 ? '' : 's'} and waited for the client to send WINDOW_UPDATE before it could send the rest (${received} bytes in all).`,
        };
      }
      if (received < 256 * 1024) {
        return { pass: false, message: `Only ${received} bytes arrived; /export is 256 KiB.` };
      }
      return {
        pass: true,
        message: `All ${received} bytes of frames came in one burst: both windows were larger than the response, so the server never waited.`,
      };
    },
  },
];
