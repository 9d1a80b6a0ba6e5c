/**
 * The order of lifelines in the traffic view. A hub (the host the others talk through: a broker, a
 * server shared by several clients, a backplane between servers) goes in the middle, so its arrows
 * are short in both directions and it is in view when the diagram is wider than its box. A single
 * host shared by several clients is found from the manifest alone; a hub among several hosts is
 * named by the manifest's `lanes`, which the sandbox tests check against each run's traffic
 * (`centreHosts`). Otherwise clients come first, then hosts in the order a request travels.
 */
export interface LaneInput {
  /** Client names, in the manifest's order. */
  clients: readonly string[];
  /** Host (server) names, in the manifest's order. */
  hosts: readonly string[];
  /** The manifest's explicit order of every lane; empty when unset. */
  lanes?: readonly string[];
}

/**
 * Lifeline order for a sandbox.
 *
 * @example
 * laneOrder({ clients: ['publisher', 'a', 'b', 'c', 'd'], hosts: ['broker'] })
 * // ['publisher', 'a', 'b', 'broker', 'c', 'd']
 */
export function laneOrder({ clients, hosts, lanes = [] }: LaneInput): string[] {
  if (lanes.length > 0) return [...lanes];
  if (hosts.length !== 1 || clients.length < 2) return [...clients, ...hosts];
  const [hub] = hosts as [string];
  const left = Math.ceil(clients.length / 2);
  return [...clients.slice(0, left), hub, ...clients.slice(left)];
}

/**
 * The hosts at the centre of a run's traffic: those whose farthest peer is the fewest hops away
 * (the graph's centre). These are the hubs the lane order must keep away from the edges.
 *
 * @example
 * centreHosts([['newsroom', 'edge-a'], ['edge-a', 'hub'], ['hub', 'edge-b'], ['edge-b', 'reader']], ['edge-a', 'edge-b', 'hub'])
 * // ['hub']
 */
export function centreHosts(
  links: ReadonlyArray<readonly [string, string]>,
  hosts: readonly string[],
): string[] {
  const peers = new Map<string, Set<string>>();
  for (const [a, b] of links) {
    if (a === b) continue;
    peers.set(a, (peers.get(a) ?? new Set()).add(b));
    peers.set(b, (peers.get(b) ?? new Set()).add(a));
  }
  const farthest = (start: string): number => {
    const hops = new Map([[start, 0]]);
    const queue = [start];
    for (let node = queue.shift(); node !== undefined; node = queue.shift()) {
      for (const next of peers.get(node) ?? []) {
        if (hops.has(next)) continue;
        hops.set(next, (hops.get(node) ?? 0) + 1);
        queue.push(next);
      }
    }
    return hops.size < peers.size ? Infinity : Math.max(...hops.values());
  };
  const reach = new Map([...peers.keys()].map((name) => [name, farthest(name)]));
  const least = Math.min(...reach.values());
  return hosts.filter((host) => reach.get(host) === least);
}
