// The order service's database, reduced to what matters here: tables of rows, and transactions
// that commit all of their writes or none. It stands for a separate, durable store (PostgreSQL,
// say): a crash of the service that uses it loses nothing that was committed.
export interface Order {
  id: number;
  item: string;
  cents: number;
}
export interface OutboxRow {
  id: number; // the event's id: the consumer deduplicates on it
  orderId: number;
  payload: Order;
  sent: boolean;
}
interface Tables {
  orders: Order[];
  outbox: OutboxRow[];
}

export class Database {
  private readonly tables: Tables = { orders: [], outbox: [] };

  /** Runs `work` against a copy of the tables, then commits every write at once. */
  transaction<T>(work: (tables: Tables) => T): T {
    const draft = { orders: [...this.tables.orders], outbox: [...this.tables.outbox] };
    const result = work(draft); // a throw here commits nothing
    Object.assign(this.tables, draft);
    return result;
  }

  get orders(): readonly Order[] {
    return this.tables.orders;
  }

  /** The oldest outbox row not yet published, if any. */
  nextUnsent(): OutboxRow | undefined {
    return this.tables.outbox.find((row) => !row.sent);
  }

  markSent(id: number): boolean {
    const row = this.tables.outbox.find((candidate) => candidate.id === id);
    if (row) row.sent = true;
    return Boolean(row);
  }
}
