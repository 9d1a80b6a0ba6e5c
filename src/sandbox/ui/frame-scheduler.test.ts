import { afterEach, describe, expect, it, vi } from 'vitest';
import { OUTPUT_FRAME_MS, requestDraw, requestOutputDraw, whenIdle } from './frame-scheduler';

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

describe('requestOutputDraw', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('draws a stream of output once per OUTPUT_FRAME_MS, and a direct request on the next frame', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    // Animation frames every 16 ms, as a 60 Hz screen gives.
    vi.stubGlobal('requestAnimationFrame', (draw: FrameRequestCallback) =>
      setTimeout(() => draw(performance.now()), 16),
    );
    vi.stubGlobal('cancelAnimationFrame', (id: ReturnType<typeof setTimeout>) => clearTimeout(id));
    let outputDraws = 0;
    const output = { draw: () => (outputDraws += 1) };
    // A run that prints every 5 ms for a second.
    for (let elapsed = 0; elapsed < 1000; elapsed += 5) {
      requestOutputDraw(output);
      await vi.advanceTimersByTimeAsync(5);
    }
    // Each waits OUTPUT_FRAME_MS and then for an animation frame: 15 a second, not 62.
    expect(outputDraws).toBeGreaterThanOrEqual(1000 / (OUTPUT_FRAME_MS + 16) - 1);
    expect(outputDraws).toBeLessThanOrEqual(1000 / OUTPUT_FRAME_MS + 1);

    let clicked = 0;
    requestOutputDraw(output);
    requestDraw({ draw: () => (clicked += 1) });
    await vi.advanceTimersByTimeAsync(17);
    expect(clicked).toBe(1);
  });
});
