/**
 * Numbers for `npm run bench`: samples summarised as median and spread, goals with their ratio,
 * and the printed table. Free of browsers, so it is unit-tested.
 */

/** A measured value: the median of its samples, with min and max so the spread is visible. */
export interface Sample {
  median: number;
  min: number;
  max: number;
  count: number;
}

/** One row of the bench: what was measured, in which unit, and the goal it is held to (if any). */
export interface Row {
  label: string;
  unit: 'ms' | 'KB' | 'score' | 'x' | 'MB' | 'req/s';
  value: Sample;
  /** The value to reach; `lower` means smaller is better. */
  goal?: { target: number; better: 'lower' | 'higher' };
  note?: string;
}

export function summarise(values: number[]): Sample {
  const sorted = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  if (sorted.length === 0) return { median: NaN, min: NaN, max: NaN, count: 0 };
  const middle = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1
      ? (sorted[middle] as number)
      : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
  return { median, min: sorted[0] as number, max: sorted.at(-1) as number, count: sorted.length };
}

/** How the value stands against its goal: ≤ 1 means the goal is met, whichever way "better" points. */
export function goalRatio(row: Row): number | undefined {
  if (!row.goal || !Number.isFinite(row.value.median)) return undefined;
  const { target, better } = row.goal;
  if (better === 'lower')
    return target === 0 ? (row.value.median === 0 ? 0 : Infinity) : row.value.median / target;
  return row.value.median === 0 ? Infinity : target / row.value.median;
}

const format = (value: number, unit: Row['unit']): string => {
  if (!Number.isFinite(value)) return 'n/a';
  const digits = unit === 'score' || unit === 'req/s' ? 0 : 1;
  return `${value.toFixed(digits)}${unit === 'x' ? '×' : ` ${unit}`}`;
};

/** The table `npm run bench` prints: value, spread, goal and ratio to goal (✓ when met). */
export function renderTable(rows: Row[]): string {
  const cells = rows.map((row) => {
    const ratio = goalRatio(row);
    const spread =
      row.value.count > 1
        ? `${format(row.value.min, row.unit)} – ${format(row.value.max, row.unit)} (n=${row.value.count})`
        : '';
    const goal = row.goal
      ? `${row.goal.better === 'lower' ? '≤' : '≥'} ${format(row.goal.target, row.unit)}`
      : '';
    const verdict = ratio === undefined ? '' : `${ratio.toFixed(2)} ${ratio <= 1 ? '✓' : '✗'}`;
    return [row.label, format(row.value.median, row.unit), spread, goal, verdict, row.note ?? ''];
  });
  const header = ['measure', 'median', 'spread', 'goal', 'ratio', 'note'];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...cells.map((cell) => (cell[column] ?? '').length)),
  );
  const line = (cell: string[]) =>
    cell
      .map((text, column) => text.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  return [
    line(header),
    widths.map((width) => '─'.repeat(width)).join('  '),
    ...cells.map(line),
  ].join('\n');
}
