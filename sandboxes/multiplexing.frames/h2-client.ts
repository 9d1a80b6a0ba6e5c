// The client end of one emulated HTTP/2 connection. The frames
// are real RFC 9113 frames; the connection under them is a
// WebSocket (the page cannot open TCP), and each WebSocket message
// is one write: every frame queued in the same task goes together.
import * as h2 from './frames.ts';

export interface Answer {
  streamId: number;
  status: number;
  body: Uint8Array;
}

export interface Options {
  /** SETTINGS_INITIAL_WINDOW_SIZE: each stream's receive window. */
  initialWindow?: number;
  /** How long the application takes to read a full window. */
  readMs?: number;
  /** Prints the frame log (→ sent, ← received). */
  log?: boolean;
}

interface Open {
  id: number;
  status: number;
  chunks: Uint8Array[];
  window: number; // what the server may still send on it
  resolve(answer: Answer): void;
  reject(error: Error): void;
}

export class Connection {
  private outbox: h2.Frame[] = [];
  private nextId = 1; // client streams are odd
  private readonly open = new Map<number, Open>();
  // The connection's own receive window: SETTINGS cannot change it,
  // only WINDOW_UPDATE on stream 0 can (RFC 9113 §6.9.2).
  private windowSize = h2.DEFAULT_WINDOW;
  private window = h2.DEFAULT_WINDOW;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private readonly pings: Array<() => void> = [];
  /** Set by GOAWAY: streams above it were never processed. */
  goaway?: { lastStreamId: number; code: number };
  onGoaway?: (lastStreamId: number, code: number) => void;
  readonly closed: Promise<void>;

  private readonly socket: WebSocket;
  private readonly options: Options;

  private constructor(socket: WebSocket, options: Options) {
    this.socket = socket;
    this.options = options;
    this.closed = new Promise((resolve) => socket.addEventListener('close', () => resolve()));
    socket.addEventListener('close', () => {
      for (const timer of this.timers) clearTimeout(timer);
      for (const stream of this.open.values()) stream.reject(new Error('connection closed'));
    });
  }

  /** Opens the connection and waits for the server's SETTINGS (its half of the preface). */
  static connect(server: URL, options: Options = {}): Promise<Connection> {
    const url = new URL('/h2', server);
    url.protocol = 'ws:';
    const socket = new WebSocket(url);
    socket.binaryType = 'arraybuffer';
    const connection = new Connection(socket, options);
    return new Promise((resolve, reject) => {
      socket.addEventListener('error', () => reject(new Error(`could not connect to ${url}`)));
      socket.addEventListener('message', (event: MessageEvent<ArrayBuffer>) => {
        for (const frame of h2.decode(new Uint8Array(event.data))) {
          connection.print('←', frame);
          if (frame.type === h2.TYPE.SETTINGS && !(frame.flags & h2.FLAG.ACK)) {
            const ours: Record<number, number> = {};
            if (options.initialWindow !== undefined) {
              ours[h2.SETTING.INITIAL_WINDOW_SIZE] = options.initialWindow;
            }
            connection.send(h2.settings(ours), h2.settings({}, true));
            resolve(connection);
          } else connection.receive(frame);
        }
      });
    });
  }

  /** Queues frames; they leave together at the end of this task, after the preface. */
  send(...frames: h2.Frame[]): void {
    if (this.outbox.length === 0) setTimeout(() => this.flush(), 0);
    this.outbox.push(...frames);
  }

  /** Opens a stream: a HEADERS frame with END_STREAM, as for any GET. */
  request(path: string): { streamId: number; answer: Promise<Answer> } {
    const id = this.nextId;
    this.nextId += 2;
    const answer = new Promise<Answer>((resolve, reject) => {
      const window = this.options.initialWindow ?? h2.DEFAULT_WINDOW;
      this.open.set(id, { id, status: 0, chunks: [], window, resolve, reject });
    });
    const fields = [
      [':method', 'GET'],
      [':scheme', 'http'],
      [':authority', 'server'],
      [':path', path],
    ];
    this.send(h2.headers(id, fields, true));
    return { streamId: id, answer };
  }

  /**
   * A PING round trip: once the ACK is back, the server has handled
   * every frame sent before it. Resolves false if the connection
   * closed first.
   */
  ping(): Promise<boolean> {
    this.send({ type: h2.TYPE.PING, flags: 0, streamId: 0, payload: new Uint8Array(8) });
    return Promise.race([
      new Promise<boolean>((resolve) => this.pings.push(() => resolve(true))),
      this.closed.then(() => false),
    ]);
  }

  /** Cancels a stream: RST_STREAM with CANCEL, as a browser does when a tab closes. */
  cancel(streamId: number): void {
    this.open.delete(streamId);
    this.send(h2.rstStream(streamId, h2.ERROR.CANCEL));
  }

  /** Raises a receive window now: stream 0 is the connection's own. */
  grant(streamId: number, increment: number): void {
    const stream = this.open.get(streamId);
    if (streamId === 0) {
      this.windowSize += increment;
      this.window += increment;
    } else if (stream) stream.window += increment;
    this.send(h2.windowUpdate(streamId, increment));
  }

  /** Says goodbye (GOAWAY with NO_ERROR), then closes the WebSocket. */
  async close(): Promise<void> {
    this.send(h2.goaway(0, h2.ERROR.NO_ERROR));
    setTimeout(() => this.socket.close(1000, 'done'), 0);
    await this.closed;
  }

  private flush(): void {
    const frames = this.outbox;
    this.outbox = [];
    if (this.socket.readyState !== WebSocket.OPEN) return;
    const first = this.nextWriteIsFirst;
    this.nextWriteIsFirst = false;
    for (const frame of frames) this.print('→', frame);
    const bytes = frames.map(h2.encode);
    if (first) bytes.unshift(new TextEncoder().encode(h2.PREFACE));
    this.socket.send(h2.concat(bytes));
  }

  private nextWriteIsFirst = true;

  private receive(frame: h2.Frame): void {
    const stream = this.open.get(frame.streamId);
    if (frame.type === h2.TYPE.GOAWAY) {
      const lastStreamId = h2.word(frame.payload);
      this.goaway = { lastStreamId, code: h2.word(frame.payload, 1) };
      // Streams above the last one were never processed: each fails
      // with a note that it is safe to send again on a new connection.
      for (const open of this.open.values()) {
        if (open.id > lastStreamId) {
          this.open.delete(open.id);
          open.reject(new Unprocessed(open.id));
        }
      }
      this.onGoaway?.(lastStreamId, this.goaway.code);
    } else if (frame.type === h2.TYPE.RST_STREAM && stream) {
      this.open.delete(stream.id);
      const code = h2.word(frame.payload);
      stream.reject(
        code === h2.ERROR.REFUSED_STREAM
          ? new Unprocessed(stream.id)
          : new Error(`stream ${stream.id} reset: ${h2.errorName(code)}`),
      );
    } else if (frame.type === h2.TYPE.HEADERS && stream) {
      const status = h2.readHeaders(frame.payload).find(([name]) => name === ':status');
      stream.status = Number(status?.[1]);
      if (frame.flags & h2.FLAG.END_STREAM) this.finish(stream);
    } else if (frame.type === h2.TYPE.DATA && stream) {
      this.window -= frame.payload.byteLength;
      stream.window -= frame.payload.byteLength;
      stream.chunks.push(frame.payload);
      if (frame.flags & h2.FLAG.END_STREAM) this.finish(stream);
      this.grantWhenUsedUp(stream);
    } else if (frame.type === h2.TYPE.PING && !(frame.flags & h2.FLAG.ACK)) {
      this.send({ ...frame, flags: h2.FLAG.ACK });
    } else if (frame.type === h2.TYPE.PING) {
      this.pings.shift()?.();
    }
  }

  // Flow control, the receiver's half: a window that reaches 0
  // stops the server. Once the application has read what arrived
  // (readMs), give back exactly what was used: WINDOW_UPDATE on the
  // stream, and on stream 0 for the connection's own window.
  private grantWhenUsedUp(stream: Open): void {
    const grants: h2.Frame[] = [];
    if (this.window === 0) {
      grants.push(h2.windowUpdate(0, this.windowSize));
      this.window = this.windowSize;
    }
    if (stream.window === 0 && this.open.has(stream.id)) {
      const size = this.options.initialWindow ?? h2.DEFAULT_WINDOW;
      grants.push(h2.windowUpdate(stream.id, size));
      stream.window = size;
    }
    if (grants.length === 0) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.send(...grants);
    }, this.options.readMs ?? 0);
    this.timers.add(timer);
  }

  private finish(stream: Open): void {
    this.open.delete(stream.id);
    const body = h2.concat(stream.chunks);
    stream.resolve({ streamId: stream.id, status: stream.status, body });
  }

  private print(arrow: string, frame: h2.Frame): void {
    if (this.options.log ?? true) console.log(`${arrow} ${h2.describe(frame)}`);
  }
}

/** A stream the server never processed (above GOAWAY's last stream id, or REFUSED_STREAM). */
export class Unprocessed extends Error {
  readonly streamId: number;
  constructor(streamId: number) {
    super(`stream ${streamId} was not processed: safe to retry on a new connection`);
    this.streamId = streamId;
  }
}
