// Exercises for this sandbox: the page checks them after every Run; solutions/ has one way to pass each.
import { parseJson, type Exercise, type ExerciseRun } from '#exercise';

interface Delivered {
  to: string; // the consumer it went to
  tag: number;
  id: number;
  image: string;
  failedDeliveries: number;
  death?: { reason?: string; deliveries?: number };
}

/** Every message the broker pushed down a consumer's WebSocket, parsed, in order. */
function deliveries(run: ExerciseRun): Delivered[] {
  return run.trace.flatMap((event) => {
    if (event.kind !== 'ws-message' || event.from !== 'broker') return [];
    const body = parseJson(event.preview);
    return typeof body === 'object' && body !== null
      ? [{ ...(body as Omit<Delivered, 'to'>), to: event.to }]
      : [];
  });
}

/** The tags the resizer acknowledged. */
function ackedTags(run: ExerciseRun): Set<number> {
  return new Set(
    run.trace.flatMap((event) => {
      if (event.kind !== 'ws-message' || event.from !== 'resizer') return [];
      const body = parseJson(event.preview) as { ack?: number } | null;
      return typeof body?.ack === 'number' ? [body.ack] : [];
    }),
  );
}

export const exercises: Exercise[] = [
  {
    id: 'reject-permanent',
    title: 'Dead-letter a permanent failure on its first delivery',
    task: 'The resizer rejects every failure with requeue, so img-3.tiff, which it can never decode, is delivered again and again until the delivery limit, while the images behind it wait. Make the resizer tell the two kinds of error apart: reject an UnsupportedImage without requeue (the broker dead-letters it at once, reason "rejected"), and keep requeueing a StorageTimeout, which the next delivery survives.',
    hint: 'In the catch block of resizer.ts, return "dead-letter" when the error is an UnsupportedImage; consumer.ts already sends { reject: tag, requeue: false } for that outcome.',
    check(run) {
      const all = deliveries(run);
      const dead = all.filter((delivery) => delivery.to === 'dead-letters');
      const toResizer = all.filter((delivery) => delivery.to === 'resizer');
      const poison = dead[0];
      if (!poison) {
        return {
          pass: false,
          message:
            'No message reached the dead-letter queue. img-3.tiff can never be decoded: it must end up in thumbnails.dlq, not be acked or lost.',
        };
      }
      const tries = toResizer.filter((delivery) => delivery.id === poison.id).length;
      if (tries > 1 || poison.death?.reason !== 'rejected') {
        return {
          pass: false,
          message: `#${poison.id} ${poison.image} was delivered ${tries} times before it was dead-lettered (${String(poison.death?.reason)}): each retry of a message that can never succeed is wasted, and the queue behind it waits. Reject it without requeue on its first failure.`,
        };
      }
      const acked = ackedTags(run);
      const retried = toResizer.find(
        (delivery) => delivery.failedDeliveries > 0 && acked.has(delivery.tag),
      );
      if (!retried) {
        return {
          pass: false,
          message:
            'No message succeeded on a later delivery. The storage timeout on img-5.png is transient: keep requeueing it, so that the second delivery writes its thumbnail.',
        };
      }
      const others = dead.filter((delivery) => delivery.id !== poison.id);
      if (others.length > 0) {
        return {
          pass: false,
          message: `${others.map((delivery) => delivery.image).join(', ')} went to the dead-letter queue too: only errors no retry can fix belong there.`,
        };
      }
      return {
        pass: true,
        message: `${poison.image} was dead-lettered on its first delivery (reason "rejected"), and ${retried.image} succeeded on delivery ${retried.failedDeliveries + 1}.`,
      };
    },
  },
];
