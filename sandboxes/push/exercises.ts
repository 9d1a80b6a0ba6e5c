// Exercises for this sandbox: the page checks them after every Run; solutions/ has one way to pass each.
import { parseJson, type Exercise, type ExerciseRun } from '#exercise';

interface Delivery {
  to: string;
  connection: string;
  t: number;
  seq: number;
}

/** Every notification frame the server wrote, with the subscriber and connection it went down. */
function notifications(run: ExerciseRun): Delivery[] {
  return run.trace.flatMap((event) => {
    if (event.kind !== 'ws-message' || event.from !== 'server') return [];
    const message = parseJson(event.preview) as { type?: unknown; seq?: unknown } | undefined;
    if (message?.type !== 'notification' || typeof message.seq !== 'number') return [];
    return [{ to: event.to, connection: event.exchange, t: event.t, seq: message.seq }];
  });
}

const list = (seqs: number[]) => seqs.map((seq) => `#${seq}`).join(', ');

export const exercises: Exercise[] = [
  {
    id: 'replay-missed',
    title: 'Replay what bob missed while he was offline',
    task: 'Give the server a history of what it pushed. When bob reconnects, he says the last seq he saw (for example /notifications?name=bob&after=2), and the server sends him every notification after it, oldest first, before anything new. Bob must get every notification exactly once.',
    hint: 'Keep { seq, frame } entries in an array in server.ts; in websocket.open, read peer.url.searchParams.get("after") and peer.send each later frame. In bob.ts, set the after parameter on the URL before the second listen().',
    check(run) {
      const all = notifications(run);
      const published = Math.max(0, ...all.map((delivery) => delivery.seq));
      const toBob = all.filter((delivery) => delivery.to === 'bob');
      const connections = [...new Set(toBob.map((delivery) => delivery.connection))];
      const opens = run.trace.filter((event) => event.kind === 'ws-open' && event.from === 'bob');
      if (opens.length < 2 || published === 0) {
        return {
          pass: false,
          message: `Bob opened ${opens.length} connection(s) and the server pushed ${published} notifications: he should go offline after #2 and come back, as in the original bob.ts.`,
        };
      }
      const seqs = toBob.map((delivery) => delivery.seq);
      const missing = Array.from({ length: published }, (_, i) => i + 1).filter(
        (seq) => !seqs.includes(seq),
      );
      if (missing.length > 0) {
        return {
          pass: false,
          message: `Bob never got ${list(missing)}: they were pushed while he was away, and nothing sent them when he came back.`,
        };
      }
      const twice = [...new Set(seqs.filter((seq, i) => seqs.indexOf(seq) !== i))];
      if (twice.length > 0) {
        return {
          pass: false,
          message: `Bob got ${list(twice)} twice: replay only what comes after the last seq he saw.`,
        };
      }
      for (const connection of connections) {
        const order = toBob.filter((delivery) => delivery.connection === connection);
        const wrong = order.find((delivery, i) => i > 0 && delivery.seq < (order[i - 1]?.seq ?? 0));
        if (wrong) {
          return {
            pass: false,
            message: `On one connection bob got ${list(order.map((delivery) => delivery.seq))}: replay the missed ones first, in order.`,
          };
        }
      }
      return {
        pass: true,
        message: `Bob got all ${published} notifications exactly once, over ${connections.length} connections: the gap was replayed when he came back.`,
      };
    },
  },
  {
    id: 'latest-only',
    title: 'Keep a slow consumer current: answer pings at once, handle only the newest',
    task: 'Carol falls behind and the heartbeat cuts her off. Make her answer each ping the moment it arrives, and when she is free, handle only the newest notification waiting and skip the older ones. She must stay connected and handle the last one (#8) within 3 s of its push; keep her "handled #N, … ms after it was pushed" line.',
    hint: 'Send the pong in the message listener. In work(), take inbox.at(-1) and drop the rest with inbox.splice(0, inbox.length - 1).',
    check(run) {
      const cut = run.trace.find(
        (event) => event.kind === 'ws-close' && event.to === 'carol' && event.code !== 1000,
      );
      if (cut?.kind === 'ws-close') {
        return {
          pass: false,
          message: `The server closed carol's socket with code ${cut.code}${cut.reason ? ` (${cut.reason})` : ''} at ${Math.round(cut.t)} ms: her pong waited behind her backlog.`,
        };
      }
      const all = notifications(run);
      const last = Math.max(0, ...all.map((delivery) => delivery.seq));
      if (last === 0 || !all.some((delivery) => delivery.to === 'carol' && delivery.seq === last)) {
        return { pass: false, message: `Carol was not connected when #${last} was pushed.` };
      }
      const handled = run.logs
        .filter((line) => line.host === 'carol')
        .map((line) => /handled #(\d+)\D+?(\d+) ?ms/.exec(line.text))
        .filter((match) => match !== null)
        .map(([, seq, ms]) => ({ seq: Number(seq), ms: Number(ms) }));
      const final = handled.find((entry) => entry.seq === last);
      if (!final) {
        const got = handled.map((entry) => `#${entry.seq}`).join(', ') || 'nothing';
        return {
          pass: false,
          message: `Carol never logged "handled #${last}, … ms after it was pushed" (she handled ${got}).`,
        };
      }
      if (final.ms > 3000) {
        return {
          pass: false,
          message: `Carol handled #${last} ${final.ms} ms after it was pushed: she is still working through a backlog in order. Skip to the newest.`,
        };
      }
      return {
        pass: true,
        message: `Carol stayed connected and handled #${last} ${final.ms} ms after its push, having handled ${handled.length} of ${last}: the rest were replaced by newer ones.`,
      };
    },
  },
];
