/**
 * The page's side of the sandbox runner. Lifecycle (threat model: decisions/0025):
 *
 * 1. `connect()` creates one hidden `<iframe sandbox="allow-scripts">` per page, its URL carrying a
 *    fresh random secret in the fragment, and waits for the frame's `bcp-ready` window message: it
 *    must come from that frame's window and carry the secret, and it brings the private port
 *    (`runner-frame.ts`, which the sandbox element may call first, at the first sign of intent).
 *    The frame is the empty, script-less one the page made at idle when there is one (0081).
 *    Nothing is ever posted to the frame's window, so a document that replaced the runner gets nothing.
 * 2. Every message on the port is validated by kind (`parseRunnerMessage`; a batch keeps its valid
 *    items), matched to a live run, and held to per-run caps here: console lines, trace events, host
 *    names, and the bytes of text the page keeps. Console lines must name a host or client of the
 *    manifest; the runtime's own messages arrive as notice codes, worded here.
 * 3. The frame beats every FRAME_BEAT_MS. When the page hears nothing for LIVENESS_LIMIT_MS, the
 *    runner is taken as lost: live runs end with a message, the frame is removed, and the next
 *    `connect()` builds a fresh one.
 */
import {
  MAX_CONSOLE_LINES,
  MAX_RUN_BYTES,
  MAX_TRACE_EVENTS,
  MAX_TRACE_HOSTS,
  consoleEntryBytes,
  parseRunnerMessage,
  traceEventBytes,
  type ConsoleEntry,
  type ControlAction,
  type NoticeCode,
  type PageMessage,
  type RunOptions,
  type StopCause,
} from './protocol';
import { forgetRunnerFrame, openRunnerFrame } from './runner-frame';
import type { PrecompiledFile } from './source-positions';
import type { SandboxManifest } from '../contract/manifest';
import type { TraceEvent } from '../trace/events';

/** What a run reports back to the page, already validated and capped. */
export interface RunHandlers {
  onStarted?(): void;
  onConsole?(entries: ConsoleEntry[]): void;
  /** Total console lines not shown so far in this run (the cap was reached). */
  onDropped?(count: number): void;
  onTrace?(events: TraceEvent[]): void;
  /** A message from the sandbox itself, worded by the page (never text from the runner). */
  onNotice?(text: string, level: 'info' | 'warn'): void;
  /** The run ended by itself: every client's main() settled. */
  onFinished?(ok: boolean): void;
  /** The run was ended from outside: Stop, the watchdog, a crash, or a lost runner. */
  onKilled?(reason: string, cause: StopCause): void;
}

/** Compiled code for unedited files, and the transpiler when some file was edited. */
export interface RunCode {
  compiled?: Record<string, PrecompiledFile>;
  transpiler?: string;
}

export interface RunHandle {
  readonly id: number;
  stop(): void;
  control(action: ControlAction): void;
}

/** With no message from the frame for this long (it beats every 250 ms), the runner is lost. */
export const LIVENESS_LIMIT_MS = 3000;

/** What the page says for each way a run can be ended from outside. */
export const STOP_MESSAGES: Record<StopCause, string> = {
  stop: 'Stopped.',
  silent:
    'Stopped: the code kept the sandbox busy for 1.8 s without a break (an endless loop, or memory filling up?). Everything this run started has ended; press Run to start again.',
  'no-start': 'The sandbox did not start within 10 s. Press Run to try again.',
  crash:
    'The sandbox crashed (it may have run out of memory). Everything this run started has ended; press Run to start again.',
  memory:
    'Stopped: the code used more than 1 GB of memory. Everything this run started has ended; press Run to start again.',
  'runner-lost':
    'The sandbox stopped answering (its process may have crashed or run out of memory). A fresh sandbox starts when you press Run.',
};

const TRACE_CAP = `The trace keeps the first ${MAX_TRACE_EVENTS.toLocaleString('en')} network events; later ones are not recorded.`;

/** A notice as the page gives it: its text (undefined: refused), its level, and whether once per run. */
interface Notice {
  text: string | undefined;
  level: 'info' | 'warn';
  once: boolean;
}

/** What the page says for each notice code the runtime sends. */
const NOTICES: Record<NoticeCode, (host: string | undefined, run: RunState) => Notice> = {
  'trace-cap': () => ({ text: TRACE_CAP, level: 'warn', once: true }),
  'host-restarted': (host, run) => ({
    text:
      host !== undefined && run.restartable.has(host)
        ? `${host} restarted: its memory (sessions, counters, queues) is gone.`
        : undefined,
    level: 'info',
    once: false,
  }),
};

/** A live run's handlers and what the page has accepted from it so far. */
interface RunState {
  handlers: RunHandlers;
  lines: number;
  /** Console lines the worker reported as not sent, and lines this page refused over the cap. */
  workerDropped: number;
  pageDropped: number;
  events: number;
  /** Names a console line may carry: the manifest's hosts and clients. */
  names: ReadonlySet<string>;
  /** Hosts a restart notice may name. */
  restartable: ReadonlySet<string>;
  /** Names the trace has used so far (at most MAX_TRACE_HOSTS). */
  hosts: Set<string>;
  /** Console lines and trace events that failed the page's checks, and were left out. */
  malformedLines: number;
  malformedEvents: number;
  /** Estimated bytes of the text the page keeps for this run (console and trace). */
  bytes: number;
  /** Notices already given, so each is said once per run. */
  told: Set<string>;
}

let nextRun = 1;

/**
 * One runner frame per page, reached only through the private port it handed over.
 *
 * @example
 * const runner = await SandboxRunner.connect(new URL('/_sandbox/runner-abc.html', location.href));
 * runner.run(manifest, files, { latencyMs: 0, params: {} }, { onConsole: (lines) => show(lines) });
 */
export class SandboxRunner {
  private static instance: Promise<SandboxRunner> | undefined;
  private readonly runs = new Map<number, RunState>();
  private lastHeard = performance.now();
  /** What the frame's last beat said: a worker has loaded the runtime and waits for a run. */
  private spareReady = false;
  private spareWaiters: Array<() => void> = [];
  private readonly liveness: ReturnType<typeof setInterval>;
  private readonly onVisible = (): void => {
    // Hidden tabs throttle timers; count silence only from when the reader can see the page again.
    if (document.visibilityState === 'visible') this.lastHeard = performance.now();
  };

  private constructor(
    private readonly port: MessagePort,
    private readonly frame: HTMLIFrameElement,
  ) {
    port.onmessage = (event) => this.receive(event.data);
    this.liveness = setInterval(() => this.checkLiveness(), 500);
    document.addEventListener('visibilitychange', this.onVisible);
  }

  /** Creates the runner frame once per page (again after it was lost) and resolves when it is ready. */
  static connect(runnerUrl: URL, timeoutMs = 15_000): Promise<SandboxRunner> {
    SandboxRunner.instance ??= openRunnerFrame(runnerUrl, timeoutMs).then(
      ({ port, frame }) => new SandboxRunner(port, frame),
      (error: unknown) => {
        SandboxRunner.instance = undefined;
        throw error;
      },
    );
    return SandboxRunner.instance;
  }

  /** Resolves once the frame has a worker with the runtime loaded, so a run starts without a boot. */
  whenSpareReady(): Promise<void> {
    if (this.spareReady) return Promise.resolve();
    return new Promise((resolve) => this.spareWaiters.push(resolve));
  }

  run(
    manifest: Required<SandboxManifest>,
    files: Record<string, string>,
    options: RunOptions,
    handlers: RunHandlers,
    code: RunCode = {},
  ): RunHandle {
    const id = nextRun++;
    const names = [...Object.keys(manifest.clients), ...Object.keys(manifest.hosts)];
    this.runs.set(id, {
      handlers,
      lines: 0,
      workerDropped: 0,
      pageDropped: 0,
      events: 0,
      names: new Set(names),
      restartable: new Set(Object.keys(manifest.hosts)),
      hosts: new Set(names),
      malformedLines: 0,
      malformedEvents: 0,
      bytes: 0,
      told: new Set(),
    });
    this.post({ type: 'run', run: id, manifest, files, ...code, options });
    // This run takes the spare; the frame's next beat says when another is ready.
    this.spareReady = false;
    return {
      id,
      stop: () => {
        if (this.runs.has(id)) this.post({ type: 'stop', run: id });
      },
      control: (action) => this.post({ type: 'control', run: id, action }),
    };
  }

  private post(message: PageMessage): void {
    this.port.postMessage(message);
  }

  private checkLiveness(): void {
    if (document.visibilityState !== 'visible') return;
    if (performance.now() - this.lastHeard > LIVENESS_LIMIT_MS) this.lose();
  }

  /** The frame went silent: end its runs with a message and let the next connect() build a new one. */
  private lose(): void {
    clearInterval(this.liveness);
    document.removeEventListener('visibilitychange', this.onVisible);
    this.port.onmessage = null;
    this.port.close();
    this.frame.remove();
    forgetRunnerFrame();
    SandboxRunner.instance = undefined;
    const runs = [...this.runs.values()];
    this.runs.clear();
    for (const state of runs) {
      this.sayMalformed(state);
      state.handlers.onKilled?.(STOP_MESSAGES['runner-lost'], 'runner-lost');
    }
  }

  private receive(data: unknown): void {
    this.lastHeard = performance.now();
    const message = parseRunnerMessage(data);
    if (!message) return;
    if (message.type === 'beat') return this.onBeat(message.spare === true);
    // Messages for a run that already ended (or never existed here) are ignored.
    const state = this.runs.get(message.run);
    if (!state) return;
    const { handlers } = state;
    switch (message.type) {
      case 'started':
        return handlers.onStarted?.();
      case 'console':
        state.malformedLines += message.malformed ?? 0;
        return this.acceptConsole(state, message.entries);
      case 'dropped':
        state.workerDropped = Math.max(state.workerDropped, message.count);
        return handlers.onDropped?.(state.workerDropped + state.pageDropped);
      case 'trace':
        state.malformedEvents += message.malformed ?? 0;
        return this.acceptTrace(state, message.events);
      case 'notice':
        return this.tell(state, message.code, NOTICES[message.code](message.host, state));
      case 'finished':
        this.runs.delete(message.run);
        this.sayMalformed(state);
        return handlers.onFinished?.(message.ok);
      case 'ended':
        this.runs.delete(message.run);
        this.sayMalformed(state);
        return handlers.onKilled?.(STOP_MESSAGES[message.cause], message.cause);
    }
  }

  private onBeat(spareReady: boolean): void {
    this.spareReady = spareReady;
    if (!spareReady) return;
    const waiters = this.spareWaiters;
    this.spareWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /** Gives a notice (once per run and `key`, unless it may repeat); a notice without text is refused. */
  private tell(state: RunState, key: string, notice: Notice): void {
    if (notice.text === undefined || state.told.has(key)) return;
    if (notice.once) state.told.add(key);
    state.handlers.onNotice?.(notice.text, notice.level);
  }

  private warn(state: RunState, key: string, text: string): void {
    this.tell(state, key, { text, level: 'warn', once: true });
  }

  /** At a run's end: how many items failed the page's checks, if any did. */
  private sayMalformed(state: RunState): void {
    const { malformedLines: lines, malformedEvents: events } = state;
    if (lines > 0)
      this.warn(state, 'lines', `${plural(lines, 'console line')} malformed and dropped.`);
    if (events > 0)
      this.warn(state, 'events', `${plural(events, 'trace event')} malformed and dropped.`);
  }

  /** Counts `bytes` against the run's budget; false (and a notice, once) from the first that do not fit. */
  private fits(state: RunState, bytes: number): boolean {
    // Once the budget refused something, nothing later is kept: the run's output stops there.
    if (state.bytes + bytes <= MAX_RUN_BYTES && !state.told.has('bytes')) {
      state.bytes += bytes;
      return true;
    }
    this.warn(
      state,
      'bytes',
      `This run's output reached ${MAX_RUN_BYTES / 2 ** 20} MB, the most the page keeps per run: later console lines and trace events are not shown.`,
    );
    return false;
  }

  /** Passes on console lines of the run's own hosts, up to the per-run caps; the rest are only counted. */
  private acceptConsole(state: RunState, entries: ConsoleEntry[]): void {
    const shown: ConsoleEntry[] = [];
    let refused = 0;
    for (const entry of entries) {
      if (!state.names.has(entry.host)) state.malformedLines += 1;
      else if (state.lines < MAX_CONSOLE_LINES && this.fits(state, consoleEntryBytes(entry))) {
        state.lines += 1;
        shown.push(entry);
      } else refused += 1;
    }
    if (shown.length > 0) state.handlers.onConsole?.(shown);
    if (refused > 0) {
      state.pageDropped += refused;
      state.handlers.onDropped?.(state.workerDropped + state.pageDropped);
    }
  }

  /** Passes on trace events up to the per-run caps on events, distinct host names and bytes. */
  private acceptTrace(state: RunState, events: TraceEvent[]): void {
    const accepted: TraceEvent[] = [];
    for (const event of events) {
      if (state.events >= MAX_TRACE_EVENTS) {
        this.warn(state, 'trace-cap', TRACE_CAP);
        break;
      }
      const known = state.hosts.has(event.from) && state.hosts.has(event.to);
      if (!known) {
        const added = new Set([event.from, event.to].filter((host) => !state.hosts.has(host)));
        if (state.hosts.size + added.size > MAX_TRACE_HOSTS) continue;
        for (const host of added) state.hosts.add(host);
      }
      if (!this.fits(state, traceEventBytes(event))) break;
      state.events += 1;
      accepted.push(event);
    }
    if (accepted.length > 0) state.handlers.onTrace?.(accepted);
  }
}

/** "1 trace event was" / "3 trace events were". */
function plural(count: number, noun: string): string {
  return count === 1 ? `1 ${noun} was` : `${count.toLocaleString('en')} ${noun}s were`;
}
