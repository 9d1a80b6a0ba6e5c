import { describe, expect, it } from 'vitest';
import { MAX_BATCH, POST_BATCH, POSTS_PER_FLUSH, takeBatches } from './protocol';

describe('takeBatches: what the runner posts per flush', () => {
  it('never puts more than POST_BATCH items in one message, and leaves the rest queued in order', () => {
    const queue = Array.from({ length: POST_BATCH * POSTS_PER_FLUSH + 7 }, (_, index) => index);
    const batches = takeBatches(queue);
    expect(batches).toHaveLength(POSTS_PER_FLUSH);
    for (const batch of batches) expect(batch.length).toBeLessThanOrEqual(POST_BATCH);
    expect(batches.flat()).toEqual(
      Array.from({ length: POST_BATCH * POSTS_PER_FLUSH }, (_, index) => index),
    );
    expect(queue).toEqual(
      Array.from({ length: 7 }, (_, index) => POST_BATCH * POSTS_PER_FLUSH + index),
    );
    const rest = [...queue];
    expect(takeBatches(queue)).toEqual([rest]);
    expect(queue).toEqual([]);
  });

  it('sends a short queue whole, an empty one not at all, and stays under what the page accepts', () => {
    expect(takeBatches([1, 2, 3])).toEqual([[1, 2, 3]]);
    expect(takeBatches([])).toEqual([]);
    expect(POST_BATCH).toBeLessThanOrEqual(MAX_BATCH);
  });
});
