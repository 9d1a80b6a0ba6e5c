import { describe, expect, it } from 'vitest';
import { parseRunnerMessage } from './protocol';

describe('parseRunnerMessage', () => {
  it('takes notices only as known codes', () => {
    expect(parseRunnerMessage({ type: 'notice', run: 4, code: 'trace-cap' })).toEqual({
      type: 'notice',
      run: 4,
      code: 'trace-cap',
    });
    expect(
      parseRunnerMessage({ type: 'notice', run: 4, code: 'host-restarted', host: 'server' }),
    ).toEqual({ type: 'notice', run: 4, code: 'host-restarted', host: 'server' });
    expect(parseRunnerMessage({ type: 'notice', run: 4, code: 'sign in at evil.example' })).toBe(
      undefined,
    );
    expect(parseRunnerMessage({ type: 'notice', run: 4, code: 'trace-cap', host: 5 })).toBe(
      undefined,
    );
  });
});
