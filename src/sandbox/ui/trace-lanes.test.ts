import { globSync, readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { laneOrder } from './trace-lanes';

describe('laneOrder', () => {
  test('one client and one server: client left, server right', () => {
    expect(laneOrder({ clients: ['client'], hosts: ['server'] })).toEqual(['client', 'server']);
  });

  test('a hub shared by several clients goes in the middle', () => {
    expect(
      laneOrder({
        clients: ['publisher', 'thumbnails-1', 'thumbnails-2', 'notify', 'audit'],
        hosts: ['broker'],
      }),
    ).toEqual(['publisher', 'thumbnails-1', 'thumbnails-2', 'broker', 'notify', 'audit']);
    expect(laneOrder({ clients: ['http1', 'http2'], hosts: ['server'] })).toEqual([
      'http1',
      'server',
      'http2',
    ]);
  });

  test('several hosts keep the order a request travels: clients, then hosts as declared', () => {
    expect(laneOrder({ clients: ['client'], hosts: ['lb', 'app-1', 'app-2'] })).toEqual([
      'client',
      'lb',
      'app-1',
      'app-2',
    ]);
  });

  test('in every sandbox with a single server and several clients, the server is not at an edge', () => {
    const manifests = globSync('sandboxes/*/sandbox.json').map(
      (file) =>
        JSON.parse(readFileSync(file, 'utf8')) as {
          clients: Record<string, string>;
          hosts: Record<string, string>;
        },
    );
    const hubs = manifests.filter(
      (m) => Object.keys(m.hosts).length === 1 && Object.keys(m.clients).length > 1,
    );
    expect(hubs.length).toBeGreaterThan(0);
    for (const manifest of hubs) {
      const order = laneOrder({
        clients: Object.keys(manifest.clients),
        hosts: Object.keys(manifest.hosts),
      });
      const at = order.indexOf(Object.keys(manifest.hosts)[0] ?? '');
      expect(at).toBeGreaterThan(0);
      expect(at).toBeLessThan(order.length - 1);
    }
  });
});
