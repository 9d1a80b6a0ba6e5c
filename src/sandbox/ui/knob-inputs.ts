/**
 * The settings row of a sandbox in the page: reads the switches and number boxes Sandbox.astro
 * rendered, refuses out-of-range numbers with a message beside the box (instead of clamping them
 * on Run), and reports the added latency per hop as it changes.
 */
import type { SandboxParam } from '../contract/manifest';
import { checkKnob, isSwitch } from './knobs';

const LATENCY: Pick<SandboxParam, 'label' | 'min' | 'max' | 'step'> = {
  label: 'Added latency per hop',
  min: 0,
  max: 5000,
  step: 10,
};

/** The latency box's name among the knobs a share link carries; `@` keeps it apart from params. */
export const LATENCY_KNOB = '@latencyMs';

export class KnobInputs {
  constructor(
    private readonly root: HTMLElement,
    private readonly params: Record<string, SandboxParam>,
    onLatency: (latencyMs: number) => void,
  ) {
    // Values typed before this loaded are checked now, later ones as they are typed.
    for (const [name, param] of Object.entries(params)) {
      const input = this.input(name);
      if (!input || isSwitch(param)) continue;
      input.addEventListener('input', () => this.check(input, param));
      if (input.value !== String(param.default)) this.check(input, param);
    }
    const latency = this.latencyInput();
    latency?.addEventListener('input', () => this.check(latency, LATENCY));
    latency?.addEventListener('change', () => {
      const result = this.check(latency, LATENCY);
      if (result !== undefined) onLatency(result);
    });
  }

  private input(name: string): HTMLInputElement | null {
    return this.root.querySelector<HTMLInputElement>(`[data-param="${name}"]`);
  }

  private latencyInput(): HTMLInputElement | null {
    return this.root.querySelector<HTMLInputElement>('[data-latency]');
  }

  /** Checks one box; shows the refusal beside it. Returns the value, or undefined when refused. */
  private check(
    input: HTMLInputElement,
    param: Pick<SandboxParam, 'label' | 'min' | 'max' | 'step'>,
  ): number | undefined {
    const result = checkKnob(input.value, param);
    const note = input.parentElement?.querySelector<HTMLElement>('.sb-range');
    input.setAttribute('aria-invalid', String(!result.ok));
    if (note) {
      note.textContent = result.ok ? `${param.min}–${param.max}` : result.message;
      note.classList.toggle('sb-range-error', !result.ok);
    }
    return result.ok ? result.value : undefined;
  }

  /** Added latency per hop in ms (0 while the box holds a refused value). */
  latency(): number {
    const input = this.latencyInput();
    return (input && this.check(input, LATENCY)) ?? 0;
  }

  /**
   * Every param's value for a run, or the first box holding a refused value (focused, with its
   * message showing) so the run can be refused too.
   */
  values(): { ok: true; params: Record<string, number> } | { ok: false; message: string } {
    const params: Record<string, number> = {};
    for (const [name, param] of Object.entries(this.params)) {
      const input = this.input(name);
      if (!input) {
        params[name] = param.default;
        continue;
      }
      if (isSwitch(param)) {
        params[name] = input.checked ? 1 : 0;
        continue;
      }
      const value = this.check(input, param);
      if (value === undefined) {
        input.focus();
        return { ok: false, message: this.message(input, param) };
      }
      params[name] = value;
    }
    const latency = this.latencyInput();
    if (latency && this.check(latency, LATENCY) === undefined) {
      latency.focus();
      return { ok: false, message: this.message(latency, LATENCY) };
    }
    return { ok: true, params };
  }

  /** Every knob a share link may carry, the added latency included, with its range and default. */
  shareable(): Record<string, SandboxParam> {
    const knobs: Record<string, SandboxParam> = { ...this.params };
    if (this.latencyInput())
      knobs[LATENCY_KNOB] = { ...LATENCY, label: `${LATENCY.label} (ms)`, default: 0 };
    return knobs;
  }

  /** The values as they stand, without refusing anything: a refused box counts as its default. */
  current(): Record<string, number> {
    const values: Record<string, number> = {};
    for (const [name, param] of Object.entries(this.params)) {
      const input = this.input(name);
      if (!input) values[name] = param.default;
      else if (isSwitch(param)) values[name] = input.checked ? 1 : 0;
      else {
        const result = checkKnob(input.value, param);
        values[name] = result.ok ? result.value : param.default;
      }
    }
    if (this.latencyInput()) values[LATENCY_KNOB] = this.latency();
    return values;
  }

  /** Sets knobs (from a share link); names the sandbox does not have are ignored. */
  set(values: Record<string, number>): void {
    const latency = this.latencyInput();
    for (const [name, value] of Object.entries(values)) {
      if (name === LATENCY_KNOB && latency) {
        latency.value = String(value);
        if (this.check(latency, LATENCY) !== undefined) latency.dispatchEvent(new Event('change'));
        continue;
      }
      const param = this.params[name];
      const input = this.input(name);
      if (!param || !input) continue;
      if (isSwitch(param)) input.checked = value === 1;
      else {
        input.value = String(value);
        this.check(input, param);
      }
    }
  }

  private message(
    input: HTMLInputElement,
    param: Pick<SandboxParam, 'label' | 'min' | 'max' | 'step'>,
  ): string {
    const result = checkKnob(input.value, param);
    return result.ok ? '' : result.message;
  }
}
