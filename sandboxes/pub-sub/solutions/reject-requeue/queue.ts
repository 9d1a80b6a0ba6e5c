// One queue. Messages wait in line until a consumer is free. Each consumer holds at most one
// unacknowledged message (prefetch 1, RabbitMQ's "fair dispatch"), and free consumers take turns
// (round robin). A message whose ack does not come in time is taken back and delivered again.
export interface Message {
  id: number;
  image: string;
}
type Waiting = Message & { redelivered: boolean };
interface Consumer {
  peer: SandboxPeer;
  name: string;
  holding?: { tag: number; message: Waiting; timer: ReturnType<typeof setTimeout> };
}

export class Queue {
  readonly name: string;
  readonly counts = { published: 0, delivered: 0, acked: 0, redelivered: 0 };
  private readonly settings: { ackTimeoutMs: number };
  private readonly waiting: Waiting[] = [];
  private consumers: Consumer[] = [];
  private turn = 0; // round robin: where the search for a free consumer starts
  private nextTag = 1;

  constructor(name: string, settings: { ackTimeoutMs: number }) {
    this.name = name;
    this.settings = settings; // shared with the broker, which keeps ackTimeoutMs up to date
  }

  get drained(): boolean {
    return this.waiting.length === 0 && this.consumers.every((consumer) => !consumer.holding);
  }

  publish(message: Message): void {
    this.counts.published += 1;
    this.waiting.push({ ...message, redelivered: false });
    this.dispatch();
    if (this.waiting.length === 0) return;
    const names = this.consumers.map((consumer) => consumer.name).join(', ');
    const why = names ? `${names} busy` : 'nobody is consuming';
    console.log(`queue ${this.name}: ${this.waiting.length} waiting (${why})`);
  }

  join(peer: SandboxPeer, name: string): void {
    this.consumers.push({ peer, name });
    console.log(`${name} consumes queue ${this.name} (${this.waiting.length} waiting)`);
    this.dispatch();
  }

  /** A consumer went away: the message it held goes back to the front of the line. */
  leave(peer: SandboxPeer, why: string): void {
    const consumer = this.consumers.find((candidate) => candidate.peer === peer);
    if (!consumer) return;
    this.consumers = this.consumers.filter((other) => other !== consumer);
    const held = consumer.holding;
    console.log(`${consumer.name} left (${why})${held ? `; #${held.message.id} goes back` : ''}`);
    if (held) {
      clearTimeout(held.timer);
      this.waiting.unshift({ ...held.message, redelivered: true });
      consumer.holding = undefined;
    }
    this.dispatch();
  }

  ack(peer: SandboxPeer, tag: number): void {
    const consumer = this.consumers.find((candidate) => candidate.peer === peer);
    if (!consumer?.holding || consumer.holding.tag !== tag) return;
    clearTimeout(consumer.holding.timer);
    consumer.holding = undefined;
    this.counts.acked += 1;
    this.dispatch();
  }

  /** The consumer failed and said so: the message goes back to the front of the line at once. */
  reject(peer: SandboxPeer, tag: number): void {
    const consumer = this.consumers.find((candidate) => candidate.peer === peer);
    const held = consumer?.holding;
    if (!consumer || !held || held.tag !== tag) return;
    clearTimeout(held.timer);
    consumer.holding = undefined;
    console.log(`${consumer.name} rejected #${held.message.id}; it goes back`);
    this.waiting.unshift({ ...held.message, redelivered: true });
    this.dispatch();
  }

  private dispatch(): void {
    while (this.waiting.length > 0) {
      const consumer = this.nextFree();
      if (!consumer) return; // everyone is busy, or nobody is connected: the message waits
      const message = this.waiting.shift() as Waiting;
      const tag = this.nextTag++;
      const ms = this.settings.ackTimeoutMs;
      consumer.holding = { tag, message, timer: setTimeout(() => this.expire(consumer, ms), ms) };
      this.counts.delivered += 1;
      if (message.redelivered) this.counts.redelivered += 1;
      consumer.peer.send(JSON.stringify({ tag, ...message }));
    }
  }

  /** Round robin: the first free consumer after the one served last. */
  private nextFree(): Consumer | undefined {
    for (let step = 0; step < this.consumers.length; step++) {
      const index = (this.turn + step) % this.consumers.length;
      const consumer = this.consumers[index];
      if (consumer && !consumer.holding) {
        this.turn = index + 1;
        return consumer;
      }
    }
    return undefined;
  }

  /** No ack in time. Like RabbitMQ's consumer timeout: requeue, and close that consumer's socket. */
  private expire(consumer: Consumer, ms: number): void {
    console.warn(`${consumer.name} sent no ack for #${consumer.holding?.message.id} in ${ms} ms`);
    this.leave(consumer.peer, 'ack timeout');
    consumer.peer.close(4008, `no ack within ${ms} ms`);
  }
}
