// Fetches the same products in each format at a few sizes, parses them, and prints what it cost.
import { formats, timeIt } from './formats.ts';

export default async function main(server: URL, env: SandboxEnv): Promise<void> {
  const largest = env.params.records ?? 1000;
  const sizes = [...new Set([10, 100, largest].filter((size) => size <= largest))];
  const rows: string[][] = [];
  for (const count of sizes) {
    let reference = '';
    for (const [name, format] of Object.entries(formats)) {
      const response = await fetch(new URL(`/products?format=${name}&count=${count}`, server));
      const bytes = new Uint8Array(await response.arrayBuffer());
      const serializeMs = /serialize;dur=([\d.]+)/.exec(
        response.headers.get('server-timing') ?? '',
      )?.[1];
      const parseMs = await timeIt(() => format.decode(bytes));
      // Every format must carry the same products: compare each with what JSON gave.
      const decoded = JSON.stringify(format.decode(bytes));
      if (name === 'json') reference = decoded;
      else if (decoded !== reference) {
        console.error(`${name} decodes to different products than JSON`);
      }
      rows.push([
        String(count),
        name,
        String(bytes.byteLength),
        // Fixed-width times keep the columns where they are from run to run.
        `${serializeMs} ms`.padStart(11),
        `${parseMs.toFixed(3)} ms`.padStart(11),
      ]);
    }
  }
  const head = ['records', 'format', 'bytes', 'serialize', 'parse'];
  for (const line of table(head, rows)) console.log(line);
  console.log('every format decoded to the same products as JSON');
}

/** The rows as lines of right-aligned columns, one console line each. */
function table(head: string[], rows: string[][]): string[] {
  const widths = head.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)),
  );
  const line = (cells: string[]) =>
    cells.map((cell, column) => cell.padStart(widths[column] ?? 0)).join('  ');
  return [line(head), ...rows.map(line)];
}
