import { describe, expect, it } from 'vitest';
import { whenIdle } from './frame-scheduler';

describe('whenIdle without requestIdleCallback (Safari)', () => {
  it('reports room for work that waits for a roomy idle period, and less as the period is used', async () => {
    expect(typeof (globalThis as { requestIdleCallback?: unknown }).requestIdleCallback).toBe(
      'undefined',
    );
    const [first, later] = await new Promise<[number, number]>((done) =>
      whenIdle((deadline) => {
        const first = deadline.timeRemaining();
        const until = performance.now() + 15;
        while (performance.now() < until);
        done([first, deadline.timeRemaining()]);
      }),
    );
    // The replay timeline makes a checkpoint only with more than 10 ms of room.
    expect(first).toBeGreaterThan(10);
    expect(later).toBeLessThanOrEqual(first - 15);
  });
});
