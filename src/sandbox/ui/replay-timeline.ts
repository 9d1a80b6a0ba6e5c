/**
 * Replay of a finished run: a timeline under the traffic view's status line. Scrubbing it, stepping
 * one message back or forward (buttons, or the arrow keys on the slider) or playing it at 0.25× to
 * 4× shows the run as it stood when that message crossed: the diagram and list up to it, the
 * counters and open connections of that moment, and the message's wire form.
 *
 * A moment is the run's events folded up to the first event of its message. Moving forward a little
 * folds only the events in between; a jump starts from a copy of the nearest checkpoint (one every
 * CHECKPOINT events, made on first need), so 10,000 events stay responsive while scrubbing.
 */
import type { HostCounters } from '../trace/model-types';
import { TraceModel } from '../trace/trace-model';
import { whenIdle } from './frame-scheduler';

/** Events between checkpoints: a jump folds at most this many after copying one. */
export const CHECKPOINT = 500;
/** An idle period makes a checkpoint only with this much of it left. */
const IDLE_ROOM_MS = 10;

/** An independent copy of a model's state, so folding more into it leaves the original as it was. */
export function cloneModel(model: TraceModel): TraceModel {
  const copy = new TraceModel();
  for (const message of model.messages)
    copy.messages.push({ ...message, events: [...message.events] });
  for (const [id, exchange] of model.exchanges) copy.exchanges.set(id, { ...exchange });
  for (const [host, counters] of model.counters) {
    const each: HostCounters = {
      ...counters,
      responsesSent: [...counters.responsesSent],
      responsesReceived: [...counters.responsesReceived],
      sent: { ...counters.sent },
      received: { ...counters.received },
    };
    copy.counters.set(host, each);
  }
  for (const host of model.hosts) copy.hosts.push(host);
  for (const event of model.events) copy.events.push(event);
  copy.elapsed = model.elapsed;
  copy.openCount = model.openCount;
  return copy;
}

/** What the timeline drives: the traffic view. */
export interface ReplayTarget {
  /** Shows `model` (a moment of the run) with message `current` selected; undefined shows the whole run. */
  showMoment(model: TraceModel | undefined, current: number): void;
}

export const SPEEDS = [0.25, 0.5, 1, 2, 4] as const;

let nextId = 1;

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  text = '',
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  if (text) node.textContent = text;
  return node;
}

const seconds = (ms: number): string =>
  ms < 1000 ? `${ms.toFixed(1)} ms` : `${(ms / 1000).toFixed(2)} s`;

export class ReplayTimeline {
  readonly element: HTMLElement;
  private readonly slider: HTMLInputElement;
  private readonly play: HTMLButtonElement;
  private readonly speed: HTMLSelectElement;
  private readonly position: HTMLOutputElement;
  private full: TraceModel | undefined;
  /** Index into `full.events` of each message's first event. */
  private firstEvent: number[] = [];
  private moment: TraceModel | undefined;
  private folded = 0;
  /** `checkpoints[i]`: the run folded up to event i × CHECKPOINT (never folded further). */
  private checkpoints: TraceModel[] = [];
  /** The run whose checkpoints are being made in idle periods. */
  private preparing: TraceModel | undefined;
  private current = -1;
  private frame: number | undefined;
  private playing: { from: number; startedAt: number } | undefined;
  /**
   * Events folded to show moments, checkpoints aside (also in `data-folded-events`, read by tests, as
   * the number of checkpoints made is in `data-checkpoints`).
   */
  foldedEvents = 0;

  constructor(private readonly target: ReplayTarget) {
    const id = `replay${nextId++}`;
    this.slider = element('input', {
      type: 'range',
      min: '0',
      max: '0',
      step: '1',
      id: `${id}-slider`,
      'aria-label': 'Moment in the run (arrow keys step one message)',
    });
    this.play = element('button', { type: 'button', class: 'tv-replay-play' }, 'Play');
    const back = element('button', { type: 'button', 'aria-label': 'Step back one message' }, '◀');
    const forward = element(
      'button',
      { type: 'button', 'aria-label': 'Step forward one message' },
      '▶',
    );
    const whole = element('button', { type: 'button' }, 'Whole run');
    this.speed = element('select', { id: `${id}-speed` });
    for (const speed of SPEEDS) {
      const option = element('option', { value: String(speed) }, `${speed}×`);
      option.selected = speed === 1;
      this.speed.append(option);
    }
    this.position = element('output', { class: 'tv-replay-position', for: `${id}-slider` });
    const speedLabel = element('label', { for: `${id}-speed` }, 'Speed');
    this.element = element('div', { class: 'tv-replay', role: 'group', 'aria-label': 'Replay' });
    this.element.append(
      element('span', { class: 'tv-replay-title' }, 'Replay'),
      back,
      this.slider,
      forward,
      this.play,
      speedLabel,
      this.speed,
      whole,
      this.position,
    );
    this.element.hidden = true;
    this.slider.addEventListener('input', () => {
      this.pause();
      this.schedule(Number(this.slider.value));
    });
    back.addEventListener('click', () => this.step(-1));
    forward.addEventListener('click', () => this.step(1));
    whole.addEventListener('click', () => this.showWhole());
    this.play.addEventListener('click', () => (this.playing ? this.pause() : this.start()));
    this.speed.addEventListener('change', () => {
      if (this.playing) this.start();
    });
    // Checkpoints copy the run many times over: make them only once a reader reaches for the replay.
    const reaching = () => {
      if (this.full && this.preparing !== this.full) this.prepareCheckpoints(this.full);
    };
    this.element.addEventListener('pointerenter', reaching);
    this.element.addEventListener('focusin', reaching);
  }

  /** The run ended: offer to replay `model` (the whole run). */
  enable(model: TraceModel): void {
    this.pause();
    this.full = model;
    const index = new Map(model.events.map((event, i) => [event, i]));
    this.firstEvent = model.messages.map((message) => {
      const first = message.events[0];
      return first ? (index.get(first) ?? 0) : 0;
    });
    this.moment = undefined;
    this.folded = 0;
    this.checkpoints = [new TraceModel(model.hosts)];
    this.element.dataset.checkpoints = '1';
    this.current = model.messages.length - 1;
    this.slider.max = String(Math.max(0, model.messages.length - 1));
    this.slider.value = this.slider.max;
    this.element.hidden = model.messages.length === 0;
    this.describe();
  }

  /**
   * Makes the checkpoints while the page is idle, so the first jump back does not fold the whole run.
   * Started when the pointer or the focus enters the timeline: most runs are never replayed.
   */
  private prepareCheckpoints(model: TraceModel): void {
    this.preparing = model;
    // One checkpoint copies the run so far: make one per idle period, and only in one with room for it.
    const next = (deadline: IdleDeadline): void => {
      if (this.full !== model) return;
      const slot = this.checkpoints.length;
      if (slot * CHECKPOINT > model.events.length) return;
      if (deadline.timeRemaining() > IDLE_ROOM_MS || deadline.didTimeout)
        this.checkpoint(model, slot);
      whenIdle(next);
    };
    whenIdle(next);
  }

  /** Checkpoint `slot`, making the ones before it first. */
  private checkpoint(full: TraceModel, slot: number): TraceModel {
    while (this.checkpoints.length <= slot) {
      const last = this.checkpoints.length - 1;
      const next = cloneModel(this.checkpoints[last] ?? new TraceModel(full.hosts));
      next.add(full.events.slice(last * CHECKPOINT, (last + 1) * CHECKPOINT));
      this.checkpoints.push(next);
      this.element.dataset.checkpoints = String(this.checkpoints.length);
    }
    return this.checkpoints[slot] ?? new TraceModel(full.hosts);
  }

  /** A new run began: the timeline waits for it to end. */
  disable(): void {
    this.pause();
    this.full = undefined;
    this.moment = undefined;
    this.checkpoints = [];
    this.element.hidden = true;
  }

  /** Message `index` of the run, as it stood when that message crossed. */
  showAt(index: number): void {
    const full = this.full;
    if (!full || full.messages.length === 0) return;
    const k = Math.max(0, Math.min(full.messages.length - 1, index));
    this.seek(full, (this.firstEvent[k] ?? 0) + 1);
    this.current = k;
    this.slider.value = String(k);
    this.target.showMoment(this.moment, k);
    this.describe();
  }

  /** Makes `moment` the run folded up to (not including) event `upto`. */
  private seek(full: TraceModel, upto: number): void {
    if (!this.moment || upto < this.folded || upto - this.folded > CHECKPOINT) {
      const slot = Math.floor(upto / CHECKPOINT);
      this.moment = cloneModel(this.checkpoint(full, slot));
      this.folded = slot * CHECKPOINT;
    }
    this.moment.add(full.events.slice(this.folded, upto));
    this.foldedEvents += upto - this.folded;
    this.element.dataset.foldedEvents = String(this.foldedEvents);
    this.folded = upto;
  }

  private step(delta: number): void {
    this.pause();
    this.showAt(this.current + delta);
  }

  private showWhole(): void {
    this.pause();
    if (!this.full) return;
    this.current = this.full.messages.length - 1;
    this.slider.value = String(this.current);
    this.target.showMoment(undefined, -1);
    this.describe();
  }

  private schedule(index: number): void {
    if (this.frame !== undefined) cancelAnimationFrame(this.frame);
    this.frame = requestAnimationFrame(() => {
      this.frame = undefined;
      this.showAt(index);
    });
  }

  private start(): void {
    const full = this.full;
    if (!full) return;
    const atEnd = this.current >= full.messages.length - 1;
    const from = atEnd ? 0 : (full.messages[this.current]?.t ?? 0);
    if (atEnd) this.showAt(0);
    this.playing = { from, startedAt: performance.now() };
    this.play.textContent = 'Pause';
    const tick = (): void => {
      if (!this.playing || !this.full) return;
      const speed = Number(this.speed.value) || 1;
      const now = this.playing.from + (performance.now() - this.playing.startedAt) * speed;
      let k = this.current;
      while (k + 1 < this.full.messages.length && (this.full.messages[k + 1]?.t ?? 0) <= now) k++;
      if (k !== this.current) this.showAt(k);
      if (k >= this.full.messages.length - 1) this.pause();
      else this.frame = requestAnimationFrame(tick);
    };
    this.frame = requestAnimationFrame(tick);
  }

  private pause(): void {
    this.playing = undefined;
    if (this.frame !== undefined) cancelAnimationFrame(this.frame);
    this.frame = undefined;
    this.play.textContent = 'Play';
  }

  private describe(): void {
    const full = this.full;
    const message = full?.messages[this.current];
    if (!full || !message) {
      this.position.textContent = '';
      return;
    }
    const text = `Message ${this.current + 1} of ${full.messages.length}, at ${seconds(message.t)}: ${message.from} → ${message.to}, ${message.label}`;
    this.position.textContent = text;
    this.slider.setAttribute('aria-valuetext', text);
  }
}
