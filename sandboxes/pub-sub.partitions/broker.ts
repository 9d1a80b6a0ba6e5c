// The broker: one topic, `image-events`, split into partitions (log.ts), and one consumer group,
// `thumbnails`. Producers POST records. Members join the group, fetch from the partitions they were
// given and commit how far they got; the group's lag per partition is what it has not committed yet,
// pushed to every monitor on a WebSocket after each commit. Consumers pull, as Kafka's do: a fetch
// with nothing to return waits up to MAX_WAIT_MS for a record.
import { assign, Topic, type StoredRecord } from './log.ts';

const JOIN_WINDOW_MS = 300; // Kafka waits group.initial.rebalance.delay.ms (3 s) for more members
const MAX_WAIT_MS = 500; // Kafka's fetch.max.wait.ms default
const MAX_RECORDS = 2; // per fetch; Kafka's max.poll.records is 500, kept small here to show lag

let topic: Topic | undefined;
const committed: number[] = []; // partition → the group's committed offset (the next to read)
const members: string[] = [];
let assignment = new Map<string, number[]>();
let joining: Promise<void> | undefined; // open while the group waits for members to join
const waiting = new Set<() => void>(); // fetches held until a record arrives
const monitors = new Set<SandboxPeer>(); // lag-monitor sockets
let closing = false; // the producer is done: members stop once they have caught up

const lag = (log: Topic) => log.endOffsets().map((end, p) => end - (committed[p] ?? 0));
/** True once the producer is done and the partitions given (all, by default) are fully committed. */
const caughtUp = (log: Topic, partitions = log.logs.map((_, p) => p)) =>
  closing && partitions.every((p) => lag(log)[p] === 0);
/** The group's lag per partition, and the member reading each, as a monitor sees it. */
function lagReport(log: Topic) {
  const owner = (p: number) => [...assignment].find(([, parts]) => parts.includes(p))?.[0];
  const partitions = lag(log).map((records, p) => ({
    partition: p,
    lag: records,
    member: owner(p),
  }));
  return { partitions, done: caughtUp(log) };
}
const wakeFetches = () => [...waiting].forEach((wake) => wake());
const body = (request: Request) =>
  request.json().catch(() => null) as Promise<Record<string, unknown> | null>;

export default {
  async fetch(request: Request, env: SandboxEnv): Promise<Response> {
    const log = (topic ??= new Topic(env.params.partitions ?? 3));
    const { pathname, searchParams } = new URL(request.url);
    const post = request.method === 'POST';
    const get = request.method === 'GET' || request.method === 'HEAD';
    if (post && pathname === '/topics/image-events') {
      const sent = await body(request);
      if (typeof sent?.key !== 'string' || typeof sent.event !== 'string') {
        const error = 'expected JSON like {"key": "img-1", "event": "uploaded"}';
        return Response.json({ error }, { status: 400 });
      }
      const { partition, offset } = log.append(sent.key, sent.event);
      wakeFetches();
      return Response.json({ partition, offset });
    }
    if (post && pathname === '/groups/thumbnails/join') {
      const sent = await body(request);
      if (typeof sent?.member !== 'string') {
        return Response.json({ error: 'expected JSON like {"member": "c-9"}' }, { status: 400 });
      }
      if (!members.includes(sent.member)) members.push(sent.member);
      await (joining ??= rebalance(log));
      return Response.json({ partitions: assignment.get(sent.member) ?? [] });
    }
    if (get && pathname === '/groups/thumbnails/fetch') {
      const mine = assignment.get(searchParams.get('member') ?? '');
      if (!mine) return Response.json({ error: 'join the group first' }, { status: 409 });
      return Response.json(await fetchFor(log, mine));
    }
    if (post && pathname === '/groups/thumbnails/commit') {
      const sent = await body(request);
      const { partition, offset } = sent ?? {};
      if (typeof partition !== 'number' || typeof offset !== 'number' || !log.logs[partition]) {
        const error = 'expected JSON like {"partition": 0, "offset": 3}';
        return Response.json({ error }, { status: 400 });
      }
      committed[partition] = Math.max(committed[partition] ?? 0, offset);
      reportLag(log);
      return Response.json({ partition, committed: committed[partition] });
    }
    if (get && pathname === '/groups/thumbnails/lag') return Response.json(lagReport(log));
    if (post && pathname === '/shutdown') {
      closing = true;
      wakeFetches();
      reportLag(log);
      return new Response(null, { status: 202 });
    }
    const routes = 'POST /topics/image-events; /groups/thumbnails/ join, fetch, commit, lag';
    return new Response(routes, { status: 404 });
  },

  websocket: {
    open(peer: SandboxPeer): void {
      if (topic && caughtUp(topic)) return peer.close(1000, 'the group has caught up');
      monitors.add(peer);
    },
    // A monitor only listens: whatever it sends is data this socket never accepts (RFC 6455 §7.4.1).
    message(peer: SandboxPeer): void {
      peer.close(1003, 'this socket only sends lag reports');
    },
    close(peer: SandboxPeer): void {
      monitors.delete(peer);
    },
  },
};

/** After each commit: every monitor gets the lag; once all is read, the monitors are closed. */
function reportLag(log: Topic): void {
  const report = JSON.stringify(lagReport(log));
  for (const monitor of monitors) monitor.send(report);
  if (!caughtUp(log)) return;
  for (const monitor of monitors) monitor.close(1000, 'the group has caught up');
  monitors.clear();
}

/** Waits for the members to join, then gives each its partitions (Kafka's range assignor). */
async function rebalance(log: Topic): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, JOIN_WINDOW_MS));
  assignment = assign(members, log.logs.length);
  const plan = [...assignment].map(([member, parts]) =>
    parts.length > 0 ? `${member} ← ${parts.map((p) => `p${p}`).join(', ')}` : `${member} idle`,
  );
  console.log(
    `group thumbnails, ${members.length} members, ${log.logs.length} partitions: ${plan.join('; ')}`,
  );
  joining = undefined;
}

/** Records from the member's partitions, from the committed offset on; waits if there are none. */
async function fetchFor(log: Topic, partitions: number[]) {
  const ready = () =>
    partitions
      .flatMap((p) => (log.logs[p] as StoredRecord[]).slice(committed[p] ?? 0))
      .slice(0, MAX_RECORDS);
  if (ready().length === 0 && !caughtUp(log, partitions)) {
    await new Promise<void>((resolve) => {
      const wake = () => {
        waiting.delete(wake);
        resolve();
      };
      waiting.add(wake);
      setTimeout(wake, MAX_WAIT_MS);
    });
  }
  return { records: ready(), done: caughtUp(log, partitions) };
}
