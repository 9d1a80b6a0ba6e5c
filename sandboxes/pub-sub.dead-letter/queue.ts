// One queue with a delivery limit, as a RabbitMQ quorum queue has one. Each consumer holds at most
// one message (prefetch 1). A message handed back as failed (a reject with requeue, or its consumer
// gone) counts one more failed delivery and goes back to the head of the line; once it has failed
// more times than the limit, the broker moves it to the dead-letter queue instead, with the reason.
export interface Death {
  reason: 'rejected' | 'delivery_limit'; // as RabbitMQ records it in the x-death header
  queue: string; // the queue it died in
  deliveries: number;
}
export interface Message {
  id: number;
  image: string;
  failedDeliveries: number; // RabbitMQ's x-delivery-count: 0 on a first delivery
  death?: Death;
}
interface Consumer {
  peer: SandboxPeer;
  name: string;
  holding?: { tag: number; message: Message };
}

export class Queue {
  readonly name: string;
  readonly counts = { published: 0, delivered: 0, acked: 0, returned: 0, deadLettered: 0 };
  private readonly settings: { deliveryLimit: number };
  private readonly deadLetters?: Queue;
  private readonly waiting: Message[] = [];
  private consumers: Consumer[] = [];
  private turn = 0;
  private nextTag = 1;

  constructor(name: string, settings: { deliveryLimit: number }, deadLetters?: Queue) {
    this.name = name;
    this.settings = settings; // shared with the broker, which keeps deliveryLimit up to date
    this.deadLetters = deadLetters;
  }

  get drained(): boolean {
    return this.waiting.length === 0 && this.consumers.every((consumer) => !consumer.holding);
  }

  publish(message: Message): void {
    this.counts.published += 1;
    this.waiting.push(message);
    this.dispatch();
  }

  join(peer: SandboxPeer, name: string): void {
    this.consumers.push({ peer, name });
    this.dispatch();
  }

  /** A consumer went away holding a message: that delivery failed too (RabbitMQ counts it). */
  leave(peer: SandboxPeer): void {
    const consumer = this.consumers.find((candidate) => candidate.peer === peer);
    if (!consumer) return;
    this.consumers = this.consumers.filter((other) => other !== consumer);
    const held = consumer.holding?.message;
    consumer.holding = undefined;
    if (held) this.failed(held, true);
    this.dispatch();
  }

  ack(peer: SandboxPeer, tag: number): void {
    if (!this.release(peer, tag)) return;
    this.counts.acked += 1;
    this.dispatch();
  }

  /** basic.reject: with requeue the message may come back; without, it is dead-lettered at once. */
  reject(peer: SandboxPeer, tag: number, requeue: boolean): void {
    const message = this.release(peer, tag);
    if (!message) return;
    this.failed(message, requeue);
    this.dispatch();
  }

  private release(peer: SandboxPeer, tag: number): Message | undefined {
    const consumer = this.consumers.find((candidate) => candidate.peer === peer);
    if (!consumer?.holding || consumer.holding.tag !== tag) return undefined;
    const { message } = consumer.holding;
    consumer.holding = undefined;
    return message;
  }

  private failed(message: Message, requeue: boolean): void {
    const failedDeliveries = message.failedDeliveries + 1;
    const limit = this.settings.deliveryLimit;
    const reason = !requeue ? 'rejected' : failedDeliveries > limit ? 'delivery_limit' : undefined;
    if (reason) {
      return this.deadLetter(message, { reason, queue: this.name, deliveries: failedDeliveries });
    }
    this.counts.returned += 1;
    // Near the head, as a quorum queue with a delivery limit requeues: everything else waits.
    this.waiting.unshift({ ...message, failedDeliveries });
    console.log(
      `queue ${this.name}: #${message.id} failed (x-delivery-count ${failedDeliveries}, limit ${limit}), back at the head with ${this.waiting.length - 1} behind it`,
    );
  }

  private deadLetter(message: Message, death: Death): void {
    this.counts.deadLettered += 1;
    const where = this.deadLetters ? `moved to ${this.deadLetters.name}` : 'dropped';
    console.warn(
      `queue ${this.name}: #${message.id} dead-lettered (${death.reason}, ${death.deliveries} failed deliveries): ${where}`,
    );
    this.deadLetters?.publish({ ...message, failedDeliveries: 0, death });
  }

  private dispatch(): void {
    while (this.waiting.length > 0) {
      const consumer = this.nextFree();
      if (!consumer) return;
      const message = this.waiting.shift() as Message;
      const tag = this.nextTag++;
      consumer.holding = { tag, message };
      this.counts.delivered += 1;
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
}
