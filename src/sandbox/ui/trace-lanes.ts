/**
 * The order of lifelines in the traffic view. A hub (the one host every client talks to: a broker,
 * a server shared by several clients) goes in the middle, so its arrows are short in both
 * directions and it is in view when the diagram is wider than its box. Topologies with several
 * hosts (a load balancer and its instances, a chain of sidecars) keep clients first, then hosts in
 * the order the chapter declared them, which is the order a request travels.
 */
export interface LaneInput {
  /** Client names, in the manifest's order. */
  clients: readonly string[];
  /** Host (server) names, in the manifest's order. */
  hosts: readonly string[];
}

/**
 * Lifeline order for a sandbox.
 *
 * @example
 * laneOrder({ clients: ['publisher', 'a', 'b', 'c', 'd'], hosts: ['broker'] })
 * // ['publisher', 'a', 'b', 'broker', 'c', 'd']
 */
export function laneOrder({ clients, hosts }: LaneInput): string[] {
  if (hosts.length !== 1 || clients.length < 2) return [...clients, ...hosts];
  const [hub] = hosts as [string];
  const left = Math.ceil(clients.length / 2);
  return [...clients.slice(0, left), hub, ...clients.slice(left)];
}
