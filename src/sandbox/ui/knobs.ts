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

/** A number box's legend of what 0 and 1 mean, "(0: A; 1: B)" or "(0 off, 1 on)", at the label's end. */
const LEGEND = /\s*\(\s*0\s*[:=]?\s*(.*?)(?:\s*[;,]\s*1\s*[:=]?\s*(.*?))?\s*\)\s*$/i;

/** A switch's name alone, without the legend of its values: "Sticky sessions". */
export function knobName(label: string): string {
  return label.replace(LEGEND, '');
}

/**
 * A switch's label: a number box's legend of 0 and 1 told as off and on, or left out when it only
 * said "off" and "on" ("Drain before the restart (off: stop at once; on: drain)").
 */
export function knobLabel(label: string): string {
  const legend = LEGEND.exec(label);
  if (!legend) return label;
  const says = (text: string | undefined, word: string): string =>
    (text ?? '').replace(new RegExp(`^${word}\\b[\\s,;:]*`, 'i'), '');
  const parts = [
    ['off', says(legend[1], 'off')],
    ['on', says(legend[2], 'on')],
  ].filter(([, text]) => text !== '');
  if (parts.length === 0) return knobName(label);
  return `${knobName(label)} (${parts.map(([word, text]) => `${word}: ${text}`).join('; ')})`;
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
