import { describe, expect, it } from 'vitest';
import { exerciseIds, progressPages } from './progress-data';

describe('progress pages', () => {
  it('gives each page the exercises of its own sandboxes, further ones included, and skips pages without', () => {
    const ids = exerciseIds({
      '/sandboxes/request-response/exercises.ts': [{ id: 'limit-size' }, { id: 'idempotency-key' }],
      '/sandboxes/request-response.upload/exercises.ts': [{ id: 'resume' }],
      '/sandboxes/push/exercises.ts': [{ id: 'ack' }],
      '/sandboxes/sidecar/exercises.ts': [],
    });
    expect(
      progressPages(
        [
          { id: 'index', title: 'Introduction' },
          {
            id: 'patterns/request-response',
            title: 'Request–Response',
            sandbox: 'request-response',
          },
          { id: 'patterns/sidecar', title: 'Sidecar', sandbox: 'sidecar' },
          { id: 'patterns/push', title: 'Push', sandbox: 'push' },
        ],
        ids,
      ),
    ).toEqual([
      {
        path: 'patterns/request-response/',
        title: 'Request–Response',
        sandboxes: {
          'request-response': ['limit-size', 'idempotency-key'],
          'request-response.upload': ['resume'],
        },
      },
      { path: 'patterns/push/', title: 'Push', sandboxes: { push: ['ack'] } },
    ]);
  });
});
