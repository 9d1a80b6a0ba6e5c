// Exercises for this sandbox: the page checks them after every Run; solutions/ has one way to pass each.
import { httpExchanges, parseJson, type Exercise } from '#exercise';

export const exercises: Exercise[] = [
  {
    id: 'idempotent-mailer',
    title: 'Email one receipt per order, although the log holds a duplicate',
    task: 'The idempotent producer kept the retried event 2 out of the log, but not event 3, sent again by a new producer session after the crash, and the mailer emails every record it reads. Make the mailer idempotent, as billing is: remember the id of each event it has emailed a receipt for, and skip a record whose event id it has seen. Every order must get exactly one receipt while the log still holds event 3 twice.',
    hint: 'In mailer.ts, keep a Set of event ids. Before emailing, if the set has event.id, log that you skip it and continue; otherwise add the id, then email.',
    check(run) {
      const read = httpExchanges(run.trace)
        .filter((exchange) => exchange.from === 'mailer' && exchange.path.endsWith('/next'))
        .map(
          (exchange) =>
            (parseJson(exchange.responseBody) as { event?: { id?: unknown } })?.event?.id,
        )
        .filter((id): id is number => typeof id === 'number');
      const repeated = read.filter((id, index) => read.indexOf(id) !== index);
      const receipts = new Map<string, number>();
      for (const line of run.logs) {
        const order = /^receipt for order (\d+) emailed/.exec(line.text)?.[1];
        if (line.host === 'mailer' && order) receipts.set(order, (receipts.get(order) ?? 0) + 1);
      }
      const twice = [...receipts].filter(([, count]) => count > 1).map(([order]) => order);
      if (twice.length > 0) {
        return {
          pass: false,
          message: `Order ${twice.join(' and ')} got more than one receipt: the mailer emails every record it reads, repeats included.`,
        };
      }
      const missing = ['1', '2', '3', '4'].filter((order) => !receipts.has(order));
      if (missing.length > 0) {
        return { pass: false, message: `No receipt for order ${missing.join(', ')}.` };
      }
      if (repeated.length === 0) {
        return {
          pass: false,
          message:
            'Every order got one receipt, but the mailer never read a repeated event, so nothing was tested: keep the producer crash (the default) so that the log holds event 3 twice.',
        };
      }
      return {
        pass: true,
        message: `The mailer read event ${[...new Set(repeated)].join(', ')} twice and emailed one receipt per order.`,
      };
    },
  },
];
