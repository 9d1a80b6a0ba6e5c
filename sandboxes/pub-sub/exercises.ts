// Exercises for this sandbox: the page checks them after every Run; solutions/ has one way to pass each.
import { parseJson, type Exercise, type ExerciseRun } from '#exercise';

interface Sent {
  t: number;
  exchange: string;
  peer: string; // the consumer at the other end
  body: Record<string, unknown>;
}

/** Every WebSocket message between the broker and a consumer, parsed, in either direction. */
function messages(run: ExerciseRun, direction: 'to consumer' | 'to broker'): Sent[] {
  return run.trace.flatMap((event) => {
    if (event.kind !== 'ws-message') return [];
    const down = event.from === 'broker';
    if (down !== (direction === 'to consumer') || (!down && event.to !== 'broker')) return [];
    const body = parseJson(event.preview);
    if (typeof body !== 'object' || body === null) return [];
    const peer = down ? event.to : event.from;
    return [{ t: event.t, exchange: event.exchange, peer, body: body as Record<string, unknown> }];
  });
}

/** The broker's ack timeout, as its 4008 close reason states it ("no ack within 1000 ms"). */
function ackTimeoutMs(run: ExerciseRun): number {
  for (const event of run.trace) {
    const ms = event.kind === 'ws-close' ? /within (\d+) ms/.exec(event.reason)?.[1] : undefined;
    if (ms) return Number(ms);
  }
  return 1000;
}

const closedForSilence = (run: ExerciseRun, exchange: string) =>
  run.trace.some(
    (event) => event.kind === 'ws-close' && event.exchange === exchange && event.code === 4008,
  );

export const exercises: Exercise[] = [
  {
    id: 'reject-requeue',
    title: 'Reject a failed message so it is redelivered at once',
    task: 'thumbnails-2 fails on its first image and tells nobody, so the image waits a whole ack timeout. Make it reject the message instead (send the broker a reject naming the delivery tag) and make the broker put a rejected message back at the front of its queue at once, marked redelivered, as RabbitMQ does for basic.reject with requeue.',
    hint: 'Four small edits: a "reject" outcome in consumer.ts that sends { reject: tag }, thumbnails-2 returning it, broker.ts passing it to the queue, and a Queue.reject() that does what leave() does for the held message, without removing the consumer.',
    check(run) {
      const deliveries = messages(run, 'to consumer').filter((sent) =>
        sent.peer.startsWith('thumbnails-'),
      );
      const again = deliveries.find((sent) => sent.body.redelivered === true);
      if (!again) {
        return {
          pass: false,
          message:
            'No message of the thumbnails queue was delivered a second time: the image thumbnails-2 failed on was never given back. Reject it so the broker requeues it.',
        };
      }
      const first = deliveries.find((sent) => sent.body.id === again.body.id);
      const id = String(again.body.id);
      if (!first) {
        return {
          pass: false,
          message: `#${id} came back marked redelivered, but was never sent first.`,
        };
      }
      const waitedMs = Math.round(again.t - first.t);
      if (closedForSilence(run, first.exchange)) {
        return {
          pass: false,
          message: `#${id} came back after ${waitedMs} ms, only because the broker gave up waiting and closed ${first.peer}'s connection (4008). Have ${first.peer} reject it instead.`,
        };
      }
      if (waitedMs > 500) {
        return {
          pass: false,
          message: `#${id} was delivered again ${waitedMs} ms after ${first.peer} got it: a rejected message should go back to the queue at once (well under 500 ms).`,
        };
      }
      return {
        pass: true,
        message: `${first.peer} rejected #${id}, and the broker delivered it again to ${again.peer} ${waitedMs} ms later, without waiting for the ack timeout or closing a connection.`,
      };
    },
  },
  {
    id: 'extend-deadline',
    title: 'Extend the ack deadline while slow work runs',
    task: 'audit needs 1.5 s for img-4.raw, longer than the ack timeout, so the broker takes #4 back and delivers it twice. Without raising the ack timeout, make audit tell the broker it is still working (send { extend: tag } every few hundred ms while it scans), and make the broker restart that delivery’s ack timer on each one, as Pub/Sub’s modifyAckDeadline or SQS’s ChangeMessageVisibility do.',
    hint: 'Give the handler in consumer.ts a way to send { extend: delivery.tag }; audit calls it from a setInterval while it sleeps. In queue.ts, an extend(peer, tag) clears the held message’s timer and starts a new one.',
    check(run) {
      const timeoutMs = ackTimeoutMs(run);
      const deliveries = messages(run, 'to consumer').filter((sent) => sent.peer === 'audit');
      const sentBack = messages(run, 'to broker').filter((sent) => sent.peer === 'audit');
      if (deliveries.length === 0) {
        return { pass: false, message: 'audit received no messages in this run.' };
      }
      const again = deliveries.find((sent) => sent.body.redelivered === true);
      if (again) {
        return {
          pass: false,
          message: `audit received #${String(again.body.id)} a second time (redelivered): the broker took it back while audit was still working on it.`,
        };
      }
      // The deliveries audit held longer than the ack timeout, and what audit said meanwhile.
      const slow = deliveries.flatMap((delivery) => {
        const ack = sentBack.find(
          (sent) =>
            sent.exchange === delivery.exchange &&
            sent.t >= delivery.t &&
            sent.body.ack === delivery.body.tag,
        );
        if (!ack || ack.t - delivery.t <= timeoutMs) return [];
        const meanwhile = sentBack.filter(
          (sent) =>
            sent.exchange === delivery.exchange &&
            sent.t > delivery.t &&
            sent.t < ack.t &&
            sent.body.ack === undefined,
        );
        return [{ delivery, heldMs: Math.round(ack.t - delivery.t), meanwhile }];
      });
      const held = slow[0];
      if (!held) {
        return {
          pass: false,
          message: `audit acknowledged every message within the ack timeout (${timeoutMs} ms), so nothing needed extending: keep the 1.5 s scan of img-4.raw and an ack timeout shorter than it.`,
        };
      }
      const id = String(held.delivery.body.id);
      if (held.meanwhile.length === 0) {
        return {
          pass: false,
          message: `audit held #${id} for ${held.heldMs} ms and sent nothing else before its ack.`,
        };
      }
      return {
        pass: true,
        message: `audit held #${id} for ${held.heldMs} ms, longer than the ${timeoutMs} ms ack timeout, sent ${held.meanwhile.length} extension${held.meanwhile.length === 1 ? '' : 's'} meanwhile, and got it only once.`,
      };
    },
  },
];
