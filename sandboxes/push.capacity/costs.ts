// What the sandbox cannot measure, each number from its source. These are estimates, not
// measurements: the kernel sets no memory aside when a socket opens, it lets its buffers fill up
// to these sizes. An idle socket holds almost nothing; a full one holds this much, and more once
// Linux's autotuning has grown it (up to megabytes).
/** Linux net.ipv4.tcp_rmem, default (initial) receive buffer: 131,072 bytes (docs.kernel.org, ip-sysctl). */
export const TCP_RECEIVE_BUFFER = 131_072;
/** Linux net.ipv4.tcp_wmem, default (initial) send buffer: 16K (same page). */
export const TCP_SEND_BUFFER = 16_384;
/**
 * zlib's memory for one socket with permessage-deflate, at the defaults (windowBits 15, memLevel 8),
 * from Node's zlib docs, "Memory usage tuning": deflate (1 << 17) + (1 << 17) = 256K, inflate
 * 1 << 15 = 32K. ws keeps one of each per socket once it has compressed and decompressed a message.
 */
export const ZLIB_PER_SOCKET = 262_144 + 32_768;

export interface Bill {
  sockets: number;
  descriptors: number;
  fileLimit: number;
  stateBytes: number;
  unackedBytes: number;
  mostUnacked: number;
  behind: number;
}

const count = (n: number) => n.toLocaleString('en-US');

/** Bytes in the largest unit that keeps the number at least 1: 71 B, 6.2 KiB, 1.4 MiB, 141 MiB. */
function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const [value, unit] = bytes < 1024 * 1024 ? [bytes / 1024, 'KiB'] : [bytes / 1024 / 1024, 'MiB'];
  return `${value < 100 ? value.toFixed(1) : Math.round(value)} ${unit}`;
}

// Narrow enough for the page's console: five columns, each wide enough for its header and values.
const WIDTHS = [7, 12, 9, 17, 9];
const cells = (values: string[]) =>
  values.map((value, i) => value.padStart(WIDTHS[i] ?? 0)).join('');

/** The header of the table the server prints, with its legend. */
export const HEADER = [
  'unacked: sent, not acknowledged (most on one socket)',
  '* estimates, not measured (sources in costs.ts):',
  "  kernel: the sockets' buffers, full at Linux's",
  `  starting sizes; zlib would add ${size(ZLIB_PER_SOCKET)} a socket`,
  cells(['sockets', 'descriptors', 'state', 'unacked (most)', 'kernel*']),
];

/** One row: what the server counted, then the estimate for that many sockets. */
export function row(bill: Bill): string {
  return cells([
    count(bill.sockets),
    `${count(bill.descriptors)}/${count(bill.fileLimit)}`,
    size(bill.stateBytes),
    `${size(bill.unackedBytes)} (${size(bill.mostUnacked)})`,
    size(bill.sockets * (TCP_RECEIVE_BUFFER + TCP_SEND_BUFFER)),
  ]);
}

/** Said when the descriptors pass the limit, as a real process would find out. */
export function overLimit(bill: Bill): string | undefined {
  if (bill.descriptors <= bill.fileLimit) return undefined;
  return `${count(bill.descriptors)} descriptors, over the limit of ${count(bill.fileLimit)}: accept() fails with EMFILE`;
}
