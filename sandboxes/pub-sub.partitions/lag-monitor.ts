// lag-monitor: what a dashboard shows, or kafka-consumer-groups.sh --describe. It keeps a WebSocket
// open to the broker, which sends the group's lag per partition (records produced, not yet
// committed) after every commit. Lag that stays high on one partition is the health signal: that
// partition's consumer cannot keep up.
interface Report {
  partitions: Array<{ partition: number; lag: number; member?: string }>;
}

export default async function main(broker: URL): Promise<void> {
  const socket = new WebSocket(
    new URL('/groups/thumbnails/lag', broker.href.replace(/^http/, 'ws')),
  );
  socket.addEventListener('message', (event) => {
    const { partitions } = JSON.parse(String(event.data)) as Report;
    const line = partitions
      .map(({ partition, lag, member }) => `p${partition} ${lag} (${member ?? 'nobody'})`)
      .join(' · ');
    console.log(`lag: ${line}`);
  });
  const closed = await new Promise<CloseEvent>((done) => socket.addEventListener('close', done));
  console.log(`the broker says: ${closed.reason}`);
}
