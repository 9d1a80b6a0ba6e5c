// A topic as Kafka stores it: a few append-only logs (partitions). A record's key picks its
// partition, so every event of one image lands in the same log, in the order it was produced.
// A consumer group shares the partitions: each one is read by exactly one member.
export interface StoredRecord {
  partition: number;
  offset: number; // the record's position in its partition: 0, 1, 2, …
  key: string;
  event: string;
}

/** FNV-1a, a small hash. Kafka's default partitioner hashes the key bytes with murmur2; same idea. */
function hash(key: string): number {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(key)) h = Math.imul(h ^ byte, 0x01000193) >>> 0;
  return h;
}

export class Topic {
  readonly logs: StoredRecord[][];

  constructor(partitions: number) {
    this.logs = Array.from({ length: partitions }, () => []);
  }

  append(key: string, event: string): StoredRecord {
    const partition = hash(key) % this.logs.length;
    const log = this.logs[partition] as StoredRecord[];
    const record = { partition, offset: log.length, key, event };
    log.push(record);
    return record;
  }

  /** The offset the next record of each partition will get (Kafka's log-end offset). */
  endOffsets(): number[] {
    return this.logs.map((log) => log.length);
  }
}

/**
 * Kafka's range assignor: members in name order each take a run of consecutive partitions, and
 * members beyond the partition count get none. Parallelism is capped by the partition count.
 */
export function assign(members: string[], partitions: number): Map<string, number[]> {
  const sorted = [...members].sort();
  const each = Math.floor(partitions / sorted.length);
  const extra = partitions % sorted.length; // the first `extra` members take one more
  const plan = new Map<string, number[]>();
  let next = 0;
  for (const [index, member] of sorted.entries()) {
    const count = each + (index < extra ? 1 : 0);
    plan.set(
      member,
      Array.from({ length: count }, (_, step) => next + step),
    );
    next += count;
  }
  return plan;
}
