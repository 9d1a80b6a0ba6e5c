// Exercises for the serialization sandbox: the page checks them after every Run; solutions/ has one way to pass each.
import { httpExchanges, type Exercise } from '#exercise';
import { writeBinary } from './binary.ts';
import { makeProducts } from './records.ts';

/** What the chapter's own encoders send for `count` products: the check's yardstick. */
const shipped = {
  binary: (count: number) => writeBinary(makeProducts(count)).byteLength,
  json: (count: number) => new TextEncoder().encode(JSON.stringify(makeProducts(count))).byteLength,
};

export const exercises: Exercise[] = [
  {
    id: 'varints',
    title: 'Save two bytes per product in the binary format',
    task: 'Ids and prices are small numbers, yet each takes four bytes. Write them as variable-length integers (seven bits per byte, the high bit saying "more follows", as Protocol Buffers does) in writeBinary and readBinary, so the binary body shrinks by at least two bytes per product and still decodes to the same products as JSON.',
    hint: 'while (value >= 0x80) { out[at++] = (value & 0x7f) | 0x80; value >>>= 7; } out[at++] = value; and the reverse when reading.',
    check(run) {
      const sizes = new Map<string, number>();
      for (const event of run.trace)
        if (event.kind === 'body-end') sizes.set(event.exchange, event.size);
      const bodies = httpExchanges(run.trace).map((exchange) => ({
        format: exchange.url.searchParams.get('format'),
        count: Number(exchange.url.searchParams.get('count')),
        size: sizes.get(exchange.id) ?? 0,
      }));
      const binary = bodies.filter((body) => body.format === 'binary' && body.count > 0);
      if (binary.length === 0) return { pass: false, message: 'No binary products were fetched.' };
      const changed = bodies.find(
        (body) => body.format === 'json' && body.size !== shipped.json(body.count),
      );
      if (changed) {
        return {
          pass: false,
          message: `The JSON for ${changed.count} products is ${changed.size} bytes, not ${shipped.json(changed.count)}: keep the products as they are and change only the binary format.`,
        };
      }
      const short = binary.find((body) => body.size > shipped.binary(body.count) - 2 * body.count);
      if (short) {
        return {
          pass: false,
          message: `${short.count} products took ${short.size} bytes in binary; the target is at most ${shipped.binary(short.count) - 2 * short.count} (${shipped.binary(short.count)} minus 2 per product).`,
        };
      }
      const same = run.logs.some(
        (line) => line.text === 'every format decoded to the same products as JSON',
      );
      if (!same || run.logs.some((line) => line.level === 'error')) {
        return {
          pass: false,
          message:
            'The binary format is smaller, but the client no longer decodes it to the same products as JSON.',
        };
      }
      const largest = binary.reduce((a, b) => (b.count > a.count ? b : a));
      return {
        pass: true,
        message: `${largest.count} products now take ${largest.size} bytes in binary instead of ${shipped.binary(largest.count)}, and decode to the same products.`,
      };
    },
  },
];
