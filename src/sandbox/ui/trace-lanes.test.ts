import { globSync, readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { parseManifest } from '../contract/manifest';
import { centreHosts, laneOrder } from './trace-lanes';

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

  test("the manifest's lanes, when set, are the order", () => {
    const lanes = ['newsroom', 'edge-a', 'hub', 'edge-b', 'reader'];
    expect(
      laneOrder({ clients: ['newsroom', 'reader'], hosts: ['edge-a', 'edge-b', 'hub'], lanes }),
    ).toEqual(lanes);
  });

  test('a manifest whose lanes leave out or repeat a host or client is refused', () => {
    const manifest = { title: 't', hosts: { a: 'a.ts', b: 'b.ts' }, clients: { c: 'c.ts' } };
    expect(parseManifest({ ...manifest, lanes: ['c', 'b', 'a'] }, 'x').lanes).toEqual([
      'c',
      'b',
      'a',
    ]);
    expect(() => parseManifest({ ...manifest, lanes: ['c', 'a'] }, 'x')).toThrow(/"lanes"/);
    expect(() => parseManifest({ ...manifest, lanes: ['c', 'a', 'a'] }, 'x')).toThrow(/"lanes"/);
    expect(parseManifest(manifest, 'x').lanes).toEqual([]);
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

describe('centreHosts', () => {
  test('a backplane between servers is the centre, not the busiest server', () => {
    const links = [
      ['newsroom', 'edge-a'],
      ['carol', 'edge-a'],
      ['edge-a', 'hub'],
      ['hub', 'edge-b'],
      ['edge-b', 'reader'],
      ['edge-b', 'mallory'],
      ['edge-b', 'newsroom'],
    ] as const;
    expect(centreHosts(links, ['edge-a', 'edge-b', 'hub'])).toEqual(['hub']);
  });

  test('a chain has two centres when its length is even; a lone exchange has both ends', () => {
    const chain = [
      ['dashboard', 'proxy'],
      ['proxy', 'server'],
      ['server', 'builder'],
    ] as const;
    expect(centreHosts(chain, ['proxy', 'server'])).toEqual(['proxy', 'server']);
    expect(centreHosts([['client', 'server']], ['server'])).toEqual(['server']);
  });
});
