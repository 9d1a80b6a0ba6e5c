/**
 * Everything a sandbox does once the reader shows intent: editors, runs, console, trace, storage and
 * the StackBlitz export. Loaded on demand by `sandbox-element.ts`, so a chapter page stays light.
 */
import type { ExerciseRun } from '../runtime/exercise';
import type { ConsoleEntry } from '../runtime/protocol';
import {
  SandboxRunner,
  type RunCode,
  type RunHandle,
  type RunHandlers,
} from '../runtime/runner-client';
import type { TraceEvent } from '../trace/events';
import { ConsoleView } from './console-view';
import type { SandboxData } from './sandbox-data';
import { clearEdit, saveEdit } from './edit-storage';
import { offerReset, restoreSavedEdits, type EditHost } from './edit-dialogs';
import { preloadExercises, showVerdicts } from './exercise-verdicts';
import type { CodeEditor } from './editor';
import { KnobInputs } from './knob-inputs';
import { RunCodeSource } from './run-code';
import { ShareSession } from './share-session';
import { showNotice, withdrawNotice, type NoticeAction, type NoticeKind } from './sandbox-notice';
import { laneOrder } from './trace-lanes';
import { TraceView } from './trace-view';

/** The element Sandbox.astro always renders; missing means the markup and this code disagree. */
function required<T extends HTMLElement = HTMLElement>(root: ParentNode, selector: string): T {
  const element = root.querySelector<T>(selector);
  if (!element) throw new Error(`<bcp-sandbox> markup has no ${selector}`);
  return element;
}

type Status = 'idle' | 'starting' | 'running' | 'finished' | 'failed' | 'stopped';

export class SandboxController {
  private readonly texts: Record<string, string>;
  private readonly runCode: RunCodeSource;
  private readonly editors = new Map<string, CodeEditor>();
  private editorModule: Promise<typeof import('./editor')> | undefined;
  private readonly consoleView: ConsoleView;
  private readonly traceView: TraceView;
  private readonly knobs: KnobInputs;
  private current: RunHandle | undefined;
  private startedAt = 0;
  private storageWarned = false;
  /** True while code from a share link is shown: edits stay in the page until the reader keeps them. */
  private savesHeld = false;
  /** "Copy link", and share links opened in this sandbox. */
  readonly share: ShareSession;
  /** What the current run did, for the exercise checks. */
  private runLog: { logs: ConsoleEntry[]; trace: TraceEvent[] } = { logs: [], trace: [] };

  constructor(
    private readonly root: HTMLElement,
    private readonly data: SandboxData,
  ) {
    this.texts = { ...data.files };
    this.runCode = new RunCodeSource(data, data.hashes, data.files);
    this.consoleView = new ConsoleView(required<HTMLOListElement>(root, '[data-console-lines]'));
    this.knobs = new KnobInputs(root, data.manifest.params, (latencyMs) =>
      this.current?.control({ kind: 'set-latency', latencyMs }),
    );
    this.traceView = new TraceView(required(root, '[data-trace]'), {
      hosts: this.hostOrder(),
      name: data.id,
      latencyMs: () => this.knobs.latency(),
    });
    for (const button of root.querySelectorAll<HTMLButtonElement>('[data-fault]')) {
      const fault = data.manifest.faults[Number(button.dataset.fault)];
      if (!fault) continue;
      button.addEventListener('click', () =>
        this.current?.control({ kind: fault.kind, host: fault.host }),
      );
    }
    restoreSavedEdits(this.editHost());
    this.share = new ShareSession(root, {
      id: data.id,
      originals: data.files,
      params: this.knobs.shareable(),
      texts: () => ({ ...this.texts }),
      knobs: () => this.knobs.current(),
      apply: (texts, knobs) => this.applyCode(texts, knobs),
      holdSaves: (hold) => (this.savesHeld = hold),
      saveAll: () => data.manifest.files.forEach((file) => this.persist(file)),
      notice: (text, kind) => this.notice(text, [], kind),
      withdrawNotice: (kind) => withdrawNotice(this.el<HTMLElement>('[data-notice]'), kind),
      status: (text) => (this.el<HTMLElement>('[data-status]').textContent = text),
    });
    void this.share.openFromLocation();
  }

  /** Shows `texts` in every file (editors where they differ from the chapter) and sets the knobs. */
  private applyCode(texts: Record<string, string>, knobs: Record<string, number>): void {
    for (const file of this.data.manifest.files) {
      const text = texts[file] ?? this.data.files[file] ?? '';
      this.texts[file] = text;
      const editor = this.editors.get(file);
      if (editor) editor.setText(text);
      else if (text !== this.data.files[file])
        void this.showEditor(file, false).then(() => this.editors.get(file)?.setText(text));
    }
    this.knobs.set(knobs);
    this.markEdited();
  }

  /** The order of lifelines in the diagram: the hub in the middle (trace-lanes.ts). */
  private hostOrder(): string[] {
    const { clients, hosts, lanes } = this.data.manifest;
    return laneOrder({ clients: Object.keys(clients), hosts: Object.keys(hosts), lanes });
  }

  /** Whether the reader changed any file (exercise verdicts wait for that). */
  private edited(): boolean {
    return this.data.manifest.files.some((file) => this.texts[file] !== this.data.files[file]);
  }

  private el<T extends HTMLElement>(selector: string): T {
    return required<T>(this.root, selector);
  }

  private notice(
    text: string,
    actions: NoticeAction[] = [],
    kind?: NoticeKind,
  ): HTMLButtonElement | undefined {
    return showNotice(this.el<HTMLElement>('[data-notice]'), text, actions, kind);
  }

  private markEdited(): void {
    for (const file of this.data.manifest.files) {
      const tab = this.root.querySelector<HTMLElement>(`[role="tab"][data-file="${file}"]`);
      const edited = this.texts[file] !== this.data.files[file];
      tab?.toggleAttribute('data-edited', edited);
      tab?.querySelector('[data-edited-mark]')?.toggleAttribute('hidden', !edited);
    }
  }

  private persist(file: string): void {
    if (this.savesHeld) return;
    const text = this.texts[file] ?? '';
    if (text === this.data.files[file]) {
      clearEdit(this.data.id, file);
      return;
    }
    const saved = saveEdit(this.data.id, file, {
      code: text,
      originalHash: this.data.hashes[file] ?? '',
      savedAt: Date.now(),
    });
    if (!saved && !this.storageWarned) {
      this.storageWarned = true;
      this.notice(
        'Your edits work here but are not saved: this browser refused to store them (full or private storage).',
      );
    }
  }

  /** Replaces a file's highlighted code with an editor holding the same text. */
  async showEditor(file: string, focus: boolean, at?: { x: number; y: number }): Promise<void> {
    let editor = this.editors.get(file);
    if (!editor) {
      this.editorModule ??= import('./editor');
      const { createEditor } = await this.editorModule;
      editor = this.editors.get(file);
      if (!editor) {
        const panel = required(this.root, `[role="tabpanel"][data-file="${file}"]`);
        const host = required(panel, '[data-editor]');
        const staticCode = required(panel, '[data-static]');
        editor = createEditor(host, this.texts[file] ?? '', {
          label: `Edit ${file}`,
          describedBy: `${this.root.id}-editor-help`,
          onChange: (text) => {
            this.texts[file] = text;
            this.persist(file);
            this.markEdited();
          },
          onRun: () => void this.run(),
        });
        this.editors.set(file, editor);
        preloadExercises(this.root, this.data.id);
        host.hidden = false;
        staticCode.hidden = true;
        this.el<HTMLElement>('[data-editor-help]').hidden = false;
      }
    }
    if (focus) {
      editor.focus();
      if (at) {
        const position = editor.view.posAtCoords(at);
        if (position !== null) editor.view.dispatch({ selection: { anchor: position } });
      }
    }
  }

  private setStatus(status: Status, text: string): void {
    this.root.dataset.runState = status;
    const running = status === 'starting' || status === 'running';
    this.el<HTMLButtonElement>('[data-action="stop"]').disabled = !running;
    for (const button of this.root.querySelectorAll<HTMLButtonElement>('[data-fault]')) {
      button.disabled = status !== 'running';
    }
    this.el<HTMLElement>('[data-status]').textContent = text;
  }

  async run(): Promise<void> {
    const knobs = this.knobs.values();
    if (!knobs.ok) {
      this.el<HTMLElement>('[data-status]').textContent = `Not run: ${knobs.message}`;
      return;
    }
    this.current?.stop();
    this.current = undefined;
    this.showOutput();
    this.consoleView.reset();
    this.traceView.reset(this.hostOrder());
    this.setStatus('starting', 'Starting…');
    delete this.root.dataset.runner;
    const files = Object.fromEntries(
      this.data.manifest.files.map((file) => [file, this.texts[file] ?? '']),
    );
    // The runner and the code to run load side by side: neither waits for the other.
    const code = this.runCode.forRun(files);
    code.catch(() => undefined);
    let runner: SandboxRunner;
    try {
      runner = await SandboxRunner.connect(new URL(this.data.runnerUrl, location.href));
    } catch (error) {
      this.consoleView.system(String((error as Error).message ?? error), 'error');
      this.setStatus('failed', 'Could not start the sandbox');
      return;
    }
    this.startedAt = performance.now();
    this.runLog = { logs: [], trace: [] };
    this.emit('sandbox:start', {});
    let ready: RunCode;
    try {
      ready = await code;
    } catch (error) {
      this.consoleView.system(String((error as Error).message ?? error), 'error');
      this.setStatus('failed', 'Could not start the sandbox');
      return;
    }
    const handle: RunHandle = runner.run(
      this.data.manifest,
      files,
      { latencyMs: this.knobs.latency(), params: knobs.params },
      // What a run reports once another run (or none) is current is ignored.
      this.runHandlers(() => this.isCurrent(handle)),
      ready,
    );
    this.current = handle;
  }

  /** What the page does with what a run reports; `mine` says whether that run is still current. */
  private runHandlers(mine: () => boolean): RunHandlers {
    return {
      onStarted: () => mine() && this.setStatus('running', 'Running…'),
      onConsole: (entries) => {
        if (!mine()) return;
        this.consoleView.add(entries);
        this.runLog.logs.push(...entries);
        this.emit('sandbox:console', { entries });
      },
      onDropped: (count) => mine() && this.consoleView.dropped(count),
      onNotice: (text, level) => mine() && this.consoleView.system(text, level),
      onTrace: (events) => {
        if (!mine()) return;
        this.traceView.add(events);
        this.runLog.trace.push(...events);
        this.emit('sandbox:trace', { events });
      },
      onFinished: (ok) => {
        if (!mine()) return;
        this.current = undefined;
        this.traceView.finish();
        this.consoleView.flush();
        this.emit('sandbox:end', { ok, killed: false });
        void this.checkExercises({ ok, ...this.runLog });
        const elapsed = Math.round(performance.now() - this.startedAt);
        this.setStatus(
          ok ? 'finished' : 'failed',
          ok ? `Finished in ${elapsed} ms` : `Ended with an error after ${elapsed} ms`,
        );
      },
      onKilled: (reason, cause) => {
        if (!mine()) return;
        this.current = undefined;
        this.traceView.finish();
        this.emit('sandbox:end', { ok: false, killed: true });
        void this.checkExercises({ ok: false, ...this.runLog });
        const byReader = cause === 'stop';
        this.consoleView.system(
          byReader ? 'Stopped. Everything this run started has ended.' : reason,
          byReader ? 'info' : 'error',
        );
        this.consoleView.flush();
        this.setStatus('stopped', byReader ? 'Stopped' : 'Stopped by the sandbox');
      },
    };
  }

  /**
   * A Run is likely (the pointer rests on the sandbox, or focus entered it): start the runner frame
   * and fetch the compiled code now, so the click only has to send the run (decisions/0031).
   */
  prepare(): void {
    this.runCode.prefetch();
    this.root.dataset.runner ??= 'starting';
    SandboxRunner.connect(new URL(this.data.runnerUrl, location.href))
      .then((runner) => runner.whenSpareReady())
      .then(() => {
        // `data-runner="ready"`: a Run pressed now only has to send the code (tests read this).
        if (this.root.dataset.runner === 'starting') this.root.dataset.runner = 'ready';
      })
      .catch(() => {
        // Run tries again and reports the failure where the reader looks.
      });
  }

  /** Runs every exercise's check on what the run did and shows each verdict next to its task. */
  private async checkExercises(run: ExerciseRun): Promise<void> {
    // The shipped code solves no exercise: a verdict before the reader edited anything only discourages.
    if (!this.edited()) return;
    await showVerdicts(this.root, this.data.id, run);
  }

  /**
   * Tells the page what a run does, so other components (a comparison table, an exercise check)
   * can follow it: `sandbox:start`, `sandbox:console` ({ entries }), `sandbox:trace` ({ events }),
   * `sandbox:end` ({ ok, killed }). Dispatched on the `<bcp-sandbox>` element; they bubble.
   */
  private emit(type: string, detail: object): void {
    this.root.dispatchEvent(new CustomEvent(type, { detail, bubbles: true }));
  }

  private isCurrent(handle: RunHandle): boolean {
    return this.current?.id === handle.id;
  }

  stop(): void {
    this.current?.stop();
  }

  /** On a narrow sandbox (one pane at a time), Run shows the console instead of the code. */
  private showOutput(): void {
    if (this.root.dataset.pane === 'work') {
      this.root.querySelector<HTMLElement>('[data-show="console"]')?.click();
    }
  }

  /** Asks what to reset: the file in view, or every edited file. Nothing is lost without a choice. */
  reset(): void {
    // Code from a link was never saved: Reset leaves it without touching the reader's saved edits.
    if (this.share.active) {
      this.stop();
      return this.share.leave();
    }
    const shown = this.root.querySelector<HTMLElement>('[role="tab"][aria-selected="true"]')
      ?.dataset.file;
    offerReset(this.editHost(), shown);
  }

  /** This sandbox as the edit dialogs see it (edit-dialogs.ts). */
  private editHost(): EditHost {
    return {
      id: this.data.id,
      files: this.data.manifest.files,
      originals: this.data.files,
      hashes: this.data.hashes,
      texts: this.texts,
      showText: (file, text) =>
        void this.showEditor(file, false).then(() => {
          if (text !== undefined) this.editors.get(file)?.setText(text);
        }),
      setText: (file, text) => this.editors.get(file)?.setText(text),
      persist: (file) => this.persist(file),
      markEdited: () => this.markEdited(),
      notice: (text, actions, kind) => this.notice(text, actions, kind),
      status: (text) => (this.el<HTMLElement>('[data-status]').textContent = text),
      stop: () => this.stop(),
    };
  }

  async openInStackblitz(): Promise<void> {
    const [{ default: sdk }, { createStackblitzProject }] = await Promise.all([
      import('@stackblitz/sdk'),
      import('../export/stackblitz-project'),
    ]);
    const project = createStackblitzProject(
      this.data.id,
      this.data.manifest,
      { ...this.texts },
      {
        chapterUrl: new URL(this.data.chapterUrl, location.href).href,
      },
    );
    sdk.openProject(project, { newWindow: true, openFile: this.data.manifest.files[0] });
  }
}
