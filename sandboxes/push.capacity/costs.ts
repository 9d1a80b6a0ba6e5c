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
  /** A row computed from a measured one, not measured itself. */
  projected?: boolean;
}

const count = (n: number) => n.toLocaleString('en-US');

/** Bytes in the largest unit that keeps the number at least 1: 71 B, 6.2 KiB, 141 MiB, 1.4 GiB. */
function size(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  const power = Math.min(units.length - 1, Math.floor(Math.log2(Math.max(1, bytes)) / 10));
  if (power === 0) return `${bytes} B`;
  const value = bytes / 1024 ** power;
  return `${value < 100 ? value.toFixed(1) : Math.round(value)} ${units[power]}`;
}

// Narrow enough for the page's console: five columns, each wide enough for its header and values.
const WIDTHS = [7, 13, 9, 17, 9];
const cells = (values: string[]) =>
  values.map((value, i) => value.padStart(WIDTHS[i] ?? 0)).join('');

/** The header of the table the server prints, with its legend. */
export const HEADER = [
  'unacked: sent, not acknowledged (most on one socket)',
  '* estimates, not measured (sources in costs.ts):',
  "  kernel: the sockets' buffers, full at Linux's",
  `  starting sizes; zlib would add ${size(ZLIB_PER_SOCKET)} a socket`,
  '≈ projected in proportion from the last measured row',
  cells(['sockets', 'descriptors', 'state', 'unacked (most)', 'kernel*']),
];

/** One row: what the server counted (or, marked ≈, projected), then the estimate for that many sockets. */
export function row(bill: Bill): string {
  return cells([
    `${bill.projected ? '≈' : ''}${count(bill.sockets)}`,
    `${count(bill.descriptors)}/${count(bill.fileLimit)}`,
    size(bill.stateBytes),
    `${size(bill.unackedBytes)} (${size(bill.mostUnacked)})`,
    size(bill.sockets * (TCP_RECEIVE_BUFFER + TCP_SEND_BUFFER)),
  ]);
}

/** Said when the descriptors pass the limit, as a real process would find out. */
export function overLimit(bill: Bill): string | undefined {
  if (bill.descriptors <= bill.fileLimit) return undefined;
  const what = bill.projected
    ? `≈${count(bill.descriptors)} descriptors would be`
    : `${count(bill.descriptors)} descriptors,`;
  return `${what} over the limit of ${count(bill.fileLimit)}: accept() fails with EMFILE`;
}

/** The same costs for `sockets` sockets, each costing what one costs in `bill`. */
export function project(bill: Bill, sockets: number): Bill {
  const scale = (value: number) => Math.round((value / Math.max(1, bill.sockets)) * sockets);
  return {
    sockets,
    descriptors: sockets + (bill.descriptors - bill.sockets),
    fileLimit: bill.fileLimit,
    stateBytes: scale(bill.stateBytes),
    unackedBytes: scale(bill.unackedBytes),
    mostUnacked: bill.mostUnacked,
    behind: scale(bill.behind),
    projected: true,
  };
}
