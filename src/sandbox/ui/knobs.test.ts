import { describe, expect, test } from 'vitest';
import { checkKnob, isSwitch, knobDigits, knobLabel, knobName } from './knobs';

const pool = { label: 'Pool size', min: 1, max: 30, step: 1 };

describe('knobs', () => {
  test('a 0–1 param in steps of 1 is a switch; wider ranges are numbers', () => {
    expect(isSwitch({ min: 0, max: 1, step: 1 })).toBe(true);
    expect(isSwitch({ min: 0, max: 1 })).toBe(true);
    expect(isSwitch({ min: 0, max: 12, step: 1 })).toBe(false);
    expect(isSwitch({ min: 0, max: 1, step: 0.5 })).toBe(false);
  });

  test('a number box is as wide as its longest value', () => {
    expect(knobDigits({ min: 1000, max: 60000, default: 30000 })).toBe(5);
    expect(knobDigits({ min: -5, max: 5, default: 0 })).toBe(2);
    expect(knobDigits({ min: 0, max: 2147483647, default: 65535 })).toBe(10);
  });

  test('switch labels lose the "(0 off, 1 on)" note in either spelling', () => {
    expect(knobLabel('Sticky sessions (0 off, 1 on)')).toBe('Sticky sessions');
    expect(knobLabel('Upgrade the sidecar-to-sidecar hop (0 = off, 1 = on)')).toBe(
      'Upgrade the sidecar-to-sidecar hop',
    );
    expect(knobLabel('Rounds of questions')).toBe('Rounds of questions');
  });

  test('a switch tells what 0 and 1 meant as off and on, never as numbers', () => {
    expect(knobLabel('Drain before the restart (0: stop at once, 1: drain)')).toBe(
      'Drain before the restart (off: stop at once; on: drain)',
    );
    expect(knobLabel('Transactional outbox (0: commit, then publish; 1: outbox and relay)')).toBe(
      'Transactional outbox (off: commit, then publish; on: outbox and relay)',
    );
    expect(knobLabel("Idempotent producer (0: off; 1: on, Kafka's default since 3.0)")).toBe(
      "Idempotent producer (on: Kafka's default since 3.0)",
    );
    expect(
      knobLabel('Tabs reach the server over HTTP/2 (0: HTTP/1.1, six connections per host)'),
    ).toBe('Tabs reach the server over HTTP/2 (off: HTTP/1.1, six connections per host)');
    expect(knobName('Transactional outbox (0: commit, then publish; 1: outbox and relay)')).toBe(
      'Transactional outbox',
    );
  });

  test('values in range on the step pass; others are refused with the bound in the message', () => {
    expect(checkKnob('6', pool)).toEqual({ ok: true, value: 6 });
    expect(checkKnob(' 30 ', pool)).toEqual({ ok: true, value: 30 });
    expect(checkKnob('99999', pool)).toEqual({
      ok: false,
      message: 'Pool size: 99999 is above the maximum, 30.',
    });
    expect(checkKnob('0', pool)).toEqual({
      ok: false,
      message: 'Pool size: 0 is below the minimum, 1.',
    });
    expect(checkKnob('', pool)).toMatchObject({
      ok: false,
      message: expect.stringContaining('from 1 to 30'),
    });
    expect(checkKnob('abc', pool).ok).toBe(false);
    expect(checkKnob('125', { label: 'Wait', min: 0, max: 2000, step: 50 })).toEqual({
      ok: false,
      message: 'Wait: use a multiple of 50 from 0 (for example 150).',
    });
  });
});
