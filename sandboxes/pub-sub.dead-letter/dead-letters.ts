// dead-letters: reads the dead-letter queue `thumbnails.dlq`. In production this is where an alert
// fires and a person looks: fix the code or the data, then move the message back (a "shovel").
// Here it prints each dead letter with the reason the broker recorded, and acks it.
import { consume } from './consumer.ts';

export default async function main(broker: URL): Promise<void> {
  await consume(broker, { queue: 'thumbnails.dlq', name: 'dead-letters' }, async (delivery) => {
    const { id, image, death } = delivery;
    console.warn(
      `dead letter #${id} ${image}: ${death?.reason} in queue ${death?.queue} after ${death?.deliveries} failed deliveries`,
    );
    return 'ack';
  });
}
