// What both receivers print: when each response was complete, handed to HTTP, and whether it
// waited for the lost packet. Times are in ms since the client sent its four requests.
export class Progress {
  private started = Date.now();
  private readonly lastArrival = new Map<number, number>();
  private readonly done = new Map<number, { at: number; onResend: boolean }>();
  private readonly label: string;
  private readonly paths: Record<number, string>;

  constructor(label: string, paths: Record<number, string>) {
    this.label = label;
    this.paths = paths;
  }

  /** The requests went out: the clock starts. */
  sent(): void {
    this.started = Date.now();
  }

  /** Some of this stream's bytes reached the receiver (in order or not). */
  arrived(stream: number): void {
    this.lastArrival.set(stream, Date.now() - this.started);
  }

  /** The receiver handed this stream's last bytes to HTTP: the response is complete. */
  finished(stream: number, onResend: boolean): void {
    this.done.set(stream, { at: Date.now() - this.started, onResend });
  }

  get allDone(): boolean {
    return this.done.size === Object.keys(this.paths).length;
  }

  print(): void {
    for (const [id, path] of Object.entries(this.paths)) {
      const stream = Number(id);
      const { at = 0, onResend = false } = this.done.get(stream) ?? {};
      const here = this.lastArrival.get(stream) ?? at;
      const why = onResend
        ? at - here > 5
          ? `, when the resent packet came; its own bytes were all here at ${here} ms, held ${at - here} ms`
          : ', when its resent packet came'
        : '';
      console.log(`stream ${stream} ${path}: done at ${at} ms${why}`);
    }
    const waited = [...this.done.values()].filter((stream) => stream.onResend).length;
    const times = [...this.done.values()].map((stream) => stream.at);
    console.log(
      `${this.label}: ${waited} of ${times.length} streams finished only when the lost packet was resent; ` +
        `all done at ${Math.max(...times)} ms`,
    );
  }
}
