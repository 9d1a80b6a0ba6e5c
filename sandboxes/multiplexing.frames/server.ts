// The server end of emulated HTTP/2 connections: real frames, read
// and written by this file, over a WebSocket at /h2 (the page has
// no TCP). It enforces the receiver's flow-control windows, drains
// a connection with GOAWAY, and caps and counts streams.
import * as h2 from './frames.ts';
import { routeOf, work } from './routes.ts';

// Announced in SETTINGS. RFC 9113 §6.5.2 recommends at least 100.
const MAX_CONCURRENT_STREAMS = 100;

interface Stream {
  id: number;
  window: number; // how much the client lets us send on it
  body?: Uint8Array; // the response, once the handler is done
  sent: number;
  waitingSince?: number; // blocked by a window since then
  cancel?: () => void;
}

interface Connection {
  peer: SandboxPeer;
  prefaceSeen: boolean;
  window: number; // the connection's send window
  initialWindow: number; // the client's SETTINGS_INITIAL_WINDOW_SIZE
  streams: Map<number, Stream>;
  lastStreamId: number;
  accepted: number;
  drainingAfter?: number; // GOAWAY sent: the last stream we process
  resets: number; // RST_STREAM frames the client sent
  ignored: number; // streams that came after our GOAWAY
  peakOpen: number; // most streams open at once
  closed: boolean;
}

const connections = new Map<string, Connection>();
const stats = { connections: 0, streams: 0, goaways: 0, windowWaits: 0, resets: 0 };

export default {
  fetch(request: Request): Response {
    if (new URL(request.url).pathname === '/stats') return Response.json({ ...stats, work });
    return new Response('open a WebSocket to /h2 and speak HTTP/2 frames, or GET /stats', {
      status: 404,
    });
  },
  websocket: {
    open(peer: SandboxPeer): void {
      stats.connections += 1;
      connections.set(peer.id, {
        peer,
        prefaceSeen: false,
        window: h2.DEFAULT_WINDOW,
        initialWindow: h2.DEFAULT_WINDOW,
        streams: new Map(),
        lastStreamId: 0,
        accepted: 0,
        resets: 0,
        ignored: 0,
        peakOpen: 0,
        closed: false,
      });
      // The server's half of the connection preface (RFC 9113 §3.4).
      write(peer, h2.settings({ [h2.SETTING.MAX_CONCURRENT_STREAMS]: MAX_CONCURRENT_STREAMS }));
    },
    message(peer: SandboxPeer, message: string | ArrayBuffer, env: SandboxEnv): void {
      const connection = connections.get(peer.id);
      if (!connection || typeof message === 'string') return peer.close(1003, 'binary frames only');
      let bytes = new Uint8Array(message);
      if (!connection.prefaceSeen) {
        const preface = new TextDecoder().decode(bytes.subarray(0, h2.PREFACE.length));
        if (preface !== h2.PREFACE)
          return fail(connection, h2.ERROR.PROTOCOL_ERROR, 'no connection preface');
        connection.prefaceSeen = true;
        bytes = bytes.subarray(h2.PREFACE.length);
      }
      for (const frame of h2.decode(bytes)) {
        if (!connection.closed) handle(connection, frame, env);
      }
    },
    close(peer: SandboxPeer): void {
      const connection = connections.get(peer.id);
      if (connection && connection.resets > 0) {
        console.log(
          `connection closed: the client reset ${connection.resets} streams, ` +
            `${connection.accepted} of which had started a handler`,
        );
      }
      for (const stream of connection?.streams.values() ?? []) stream.cancel?.();
      connections.delete(peer.id);
    },
  },
};

function handle(connection: Connection, frame: h2.Frame, env: SandboxEnv): void {
  switch (frame.type) {
    case h2.TYPE.SETTINGS: {
      if (frame.flags & h2.FLAG.ACK) return;
      const initial = h2.readSettings(frame.payload).get(h2.SETTING.INITIAL_WINDOW_SIZE);
      if (initial !== undefined) {
        // A new initial size moves every open stream's window by the difference (§6.9.2).
        for (const stream of connection.streams.values()) {
          stream.window += initial - connection.initialWindow;
        }
        connection.initialWindow = initial;
      }
      return write(connection.peer, h2.settings({}, true));
    }
    case h2.TYPE.HEADERS:
      return openStream(connection, frame, env);
    case h2.TYPE.WINDOW_UPDATE: {
      const increment = h2.word(frame.payload);
      const stream = connection.streams.get(frame.streamId);
      if (frame.streamId === 0) connection.window += increment;
      else if (stream) stream.window += increment;
      for (const open of connection.streams.values()) pump(connection, open);
      return;
    }
    case h2.TYPE.RST_STREAM: {
      const stream = connection.streams.get(frame.streamId);
      stream?.cancel?.();
      connection.streams.delete(frame.streamId);
      connection.resets += 1;
      stats.resets += 1;
      return tooManyResets(connection, env) ? undefined : closeIfDrained(connection);
    }
    case h2.TYPE.PING:
      if (!(frame.flags & h2.FLAG.ACK)) write(connection.peer, { ...frame, flags: h2.FLAG.ACK });
      return;
    case h2.TYPE.GOAWAY:
      return; // the client is leaving; it closes the WebSocket itself
  }
}

function openStream(connection: Connection, frame: h2.Frame, env: SandboxEnv): void {
  const id = frame.streamId;
  if (id % 2 === 0 || id <= connection.lastStreamId) {
    return fail(connection, h2.ERROR.PROTOCOL_ERROR, `stream ${id} is not a new odd stream id`);
  }
  connection.lastStreamId = id;
  // After GOAWAY, new streams are ignored: the client knows from the
  // last stream id that they were never processed (RFC 9113 §6.8).
  if (connection.drainingAfter !== undefined) {
    connection.ignored += 1;
    if (connection.ignored <= 2)
      console.log(`stream ${id} came after GOAWAY: ignored, never processed`);
    else if (connection.ignored === 3) console.log('more streams after GOAWAY: all ignored');
    return;
  }
  if (connection.streams.size >= MAX_CONCURRENT_STREAMS) {
    return write(connection.peer, h2.rstStream(id, h2.ERROR.REFUSED_STREAM));
  }
  const stream: Stream = { id, window: connection.initialWindow, sent: 0 };
  connection.streams.set(id, stream);
  connection.peakOpen = Math.max(connection.peakOpen, connection.streams.size);
  connection.accepted += 1;
  stats.streams += 1;
  const path = h2.readHeaders(frame.payload).find(([name]) => name === ':path')?.[1] ?? '/';
  stream.cancel = routeOf(path, env.params, (status, body, type) => {
    stream.cancel = undefined;
    const fields = [
      [':status', String(status)],
      ['content-type', type],
      ['content-length', String(body.byteLength)],
    ];
    write(connection.peer, h2.headers(id, fields, body.byteLength === 0));
    stream.body = body;
    pump(connection, stream);
  });
  // Like nginx's keepalive_requests: after so many streams on one
  // connection, drain it. Streams up to this one still finish.
  const maxRequests = env.params.maxRequests ?? 0;
  if (maxRequests > 0 && connection.accepted === maxRequests) {
    connection.drainingAfter = id;
    stats.goaways += 1;
    write(connection.peer, h2.goaway(id, h2.ERROR.NO_ERROR));
  }
}

// Flow control, the sender's half: a DATA frame may carry no more
// than the smaller of the stream's and the connection's window.
function pump(connection: Connection, stream: Stream): void {
  if (!stream.body) return;
  while (stream.sent < stream.body.byteLength) {
    const room = Math.min(stream.window, connection.window, h2.DEFAULT_MAX_FRAME);
    if (room <= 0) {
      if (stream.waitingSince === undefined) {
        stream.waitingSince = performance.now();
        stats.windowWaits += 1;
        const which = connection.window <= 0 ? 'connection' : `stream ${stream.id}`;
        console.log(
          `stream ${stream.id}: ${stream.sent} of ${stream.body.byteLength} bytes sent, ` +
            `the ${which} window is 0: waiting for WINDOW_UPDATE`,
        );
      }
      return;
    }
    if (stream.waitingSince !== undefined) {
      const waited = Math.round(performance.now() - stream.waitingSince);
      console.log(`stream ${stream.id}: window open again after ${waited} ms`);
      stream.waitingSince = undefined;
    }
    const size = Math.min(room, stream.body.byteLength - stream.sent);
    const chunk = stream.body.subarray(stream.sent, stream.sent + size);
    stream.sent += size;
    stream.window -= size;
    connection.window -= size;
    write(connection.peer, h2.data(stream.id, chunk, stream.sent === stream.body.byteLength));
  }
  connection.streams.delete(stream.id);
  closeIfDrained(connection);
}

/** After GOAWAY, the connection closes once its last stream is done. */
function closeIfDrained(connection: Connection): void {
  const after = connection.drainingAfter;
  if (after === undefined || connection.closed || connection.streams.size > 0) return;
  connection.closed = true;
  console.log(`every stream up to ${after} is done: closing the drained connection`);
  connection.peer.close(1000, 'drained after GOAWAY');
}

// Rapid Reset (CVE-2023-44487): a reset stream no longer counts
// toward MAX_CONCURRENT_STREAMS, so the cap alone never trips. Count
// resets too, and end a connection that spends more than its budget.
function tooManyResets(connection: Connection, env: SandboxEnv): boolean {
  const budget = env.params.maxResets ?? 0;
  if (budget === 0 || connection.resets <= budget) return false;
  console.log(
    `${connection.resets} resets on one connection (at most ${connection.peakOpen} ` +
      `stream${connection.peakOpen === 1 ? '' : 's'} open at once, the cap is ` +
      `${MAX_CONCURRENT_STREAMS}): GOAWAY ENHANCE_YOUR_CALM`,
  );
  stats.goaways += 1;
  fail(connection, h2.ERROR.ENHANCE_YOUR_CALM, 'too many stream resets');
  return true;
}

function fail(connection: Connection, code: number, why: string): void {
  connection.closed = true;
  for (const stream of connection.streams.values()) stream.cancel?.();
  write(connection.peer, h2.goaway(connection.lastStreamId, code));
  connection.peer.close(1008, why);
}

const write = (peer: SandboxPeer, frame: h2.Frame) => peer.send(h2.encode(frame));
