import {
  parseRunnerMessage,
  type ConsoleEntry,
  type ControlAction,
  type PageMessage,
  type RunOptions,
} from './protocol';
import type { PrecompiledFile } from './source-positions';
import type { SandboxManifest } from '../contract/manifest';
import type { TraceEvent } from '../trace/events';

/** What a run reports back to the page, already validated. */
export interface RunHandlers {
  onStarted?(): void;
  onConsole?(entries: ConsoleEntry[]): void;
  /** Total console lines dropped so far in this run (the cap was reached). */
  onDropped?(count: number): void;
  onTrace?(events: TraceEvent[]): void;
  /** The run ended by itself: every client's main() settled. */
  onFinished?(ok: boolean): void;
  /** The run was ended from outside: Stop, the watchdog, or a crash. */
  onKilled?(reason: string): void;
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

let nextRun = 1;

/**
 * The page's side of the sandbox: one hidden opaque-origin iframe per page, reached only through a
 * private MessagePort. Every message from it is validated and matched to a live run.
 *
 * @example
 * const runner = await SandboxRunner.connect(new URL('/_sandbox/runner-abc.html', location.href));
 * runner.run(manifest, files, { latencyMs: 0 }, { onConsole: (lines) => show(lines) });
 */
export class SandboxRunner {
  private static instance: Promise<SandboxRunner> | undefined;
  private readonly handlers = new Map<number, RunHandlers>();

  private constructor(private readonly port: MessagePort) {
    port.onmessage = (event) => this.receive(event.data);
  }

  /** Creates the runner frame once per page and resolves when it is ready. */
  static connect(runnerUrl: URL, timeoutMs = 15_000): Promise<SandboxRunner> {
    SandboxRunner.instance ??= new Promise<SandboxRunner>((resolve, reject) => {
      const frame = document.createElement('iframe');
      // No allow-same-origin: the frame gets an opaque origin and cannot touch this page or its storage.
      frame.setAttribute('sandbox', 'allow-scripts');
      frame.setAttribute('aria-hidden', 'true');
      frame.tabIndex = -1;
      frame.title = 'Sandbox runner';
      frame.style.cssText = 'position:absolute;width:0;height:0;border:0;visibility:hidden';
      frame.src = runnerUrl.href;
      const timer = setTimeout(() => {
        SandboxRunner.instance = undefined;
        frame.remove();
        reject(
          new Error('The sandbox runner did not load. Check your connection and press Run again.'),
        );
      }, timeoutMs);
      frame.addEventListener(
        'load',
        () => {
          const channel = new MessageChannel();
          channel.port1.onmessage = (event) => {
            if (parseRunnerMessage(event.data)?.type !== 'ready') return;
            clearTimeout(timer);
            resolve(new SandboxRunner(channel.port1));
          };
          frame.contentWindow?.postMessage({ type: 'bcp-connect' }, '*', [channel.port2]);
        },
        { once: true },
      );
      document.body.append(frame);
    });
    return SandboxRunner.instance;
  }

  run(
    manifest: Required<SandboxManifest>,
    files: Record<string, string>,
    options: RunOptions,
    handlers: RunHandlers,
    code: RunCode = {},
  ): RunHandle {
    const id = nextRun++;
    this.handlers.set(id, handlers);
    this.post({ type: 'run', run: id, manifest, files, ...code, options });
    return {
      id,
      stop: () => {
        if (this.handlers.has(id)) this.post({ type: 'stop', run: id });
      },
      control: (action) => this.post({ type: 'control', run: id, action }),
    };
  }

  private post(message: PageMessage): void {
    this.port.postMessage(message);
  }

  private receive(data: unknown): void {
    const message = parseRunnerMessage(data);
    if (!message || message.type === 'ready') return;
    // Messages from a run that already ended (or never existed here) are ignored.
    const handlers = this.handlers.get(message.run);
    if (!handlers) return;
    switch (message.type) {
      case 'started':
        handlers.onStarted?.();
        break;
      case 'console':
        handlers.onConsole?.(message.entries);
        break;
      case 'dropped':
        handlers.onDropped?.(message.count);
        break;
      case 'trace':
        handlers.onTrace?.(message.events);
        break;
      case 'finished':
        this.handlers.delete(message.run);
        handlers.onFinished?.(message.ok);
        break;
      case 'killed':
        this.handlers.delete(message.run);
        handlers.onKilled?.(message.reason);
        break;
    }
  }
}
