/**
 * The knobs of a sandbox's settings row: which params are on/off switches, and checking a typed
 * value against a param's bounds with a message the reader can act on. Pure, so Sandbox.astro
 * (at build time) and the controller (in the page) agree.
 */
import type { SandboxParam } from '../contract/manifest';

/** A param with only the values 0 and 1 is an on/off setting, shown as a switch. */
export function isSwitch(param: Pick<SandboxParam, 'min' | 'max' | 'step'>): boolean {
  return param.min === 0 && param.max === 1 && (param.step ?? 1) === 1;
}

/** A switch's label without the "(0 off, 1 on)" note that a number box needed. */
export function knobLabel(label: string): string {
  return label.replace(/\s*\(0\s*=?\s*off,\s*1\s*=?\s*on\)\s*$/i, '');
}

/** Digits a number knob's box must show whole: its longest value (min, max or default). */
export function knobDigits(param: Pick<SandboxParam, 'min' | 'max' | 'default'>): number {
  return Math.max(...[param.min, param.max, param.default].map((value) => String(value).length));
}

export type KnobCheck = { ok: true; value: number } | { ok: false; message: string };

/**
 * Checks what the reader typed into a number knob. Refuses (with a message) anything that is not a
 * number in range on the param's step, instead of silently clamping it on Run.
 *
 * @example
 * checkKnob('99999', { label: 'Pool size', min: 1, max: 30, step: 1 })
 * // { ok: false, message: 'Pool size: 99999 is above the maximum, 30.' }
 */
export function checkKnob(
  typed: string,
  param: Pick<SandboxParam, 'label' | 'min' | 'max' | 'step'>,
): KnobCheck {
  const text = typed.trim();
  const value = Number(text);
  if (text === '' || !Number.isFinite(value)) {
    return {
      ok: false,
      message: `${param.label}: enter a number from ${param.min} to ${param.max}.`,
    };
  }
  if (value < param.min) {
    return { ok: false, message: `${param.label}: ${text} is below the minimum, ${param.min}.` };
  }
  if (value > param.max) {
    return { ok: false, message: `${param.label}: ${text} is above the maximum, ${param.max}.` };
  }
  const step = param.step ?? 1;
  const steps = (value - param.min) / step;
  if (Math.abs(steps - Math.round(steps)) > 1e-9) {
    return {
      ok: false,
      message: `${param.label}: use a multiple of ${step} from ${param.min} (for example ${param.min + Math.round(steps) * step}).`,
    };
  }
  return { ok: true, value };
}
