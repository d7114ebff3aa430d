/** Called around each write, so a progress bar on the same terminal is cleared first and drawn after. */
export interface WriteGuard {
  clear(): void;
  redraw(): void;
}

/** Buffers output lines and writes them in large chunks, waiting when the stream asks to. */
export class LineWriter {
  private buffer: string[] = [];
  private size = 0;
  private static readonly FLUSH_AT = 1 << 16;
  private guard: WriteGuard | null = null;

  constructor(private readonly stream: NodeJS.WritableStream = process.stdout) {}

  /** Keeps `guard` (a progress bar) off the lines written from now on, when both share a terminal. */
  guardWith(guard: WriteGuard | null): void {
    this.guard = guard && (this.stream as NodeJS.WriteStream).isTTY ? guard : null;
  }

  /** Queues a line; returns a promise only when the buffer was flushed and must be awaited. */
  line(text: string): Promise<void> | undefined {
    this.buffer.push(text);
    this.size += text.length + 1;
    // On a terminal lines are shown as they come; piped, they go out in large chunks.
    return this.size >= LineWriter.FLUSH_AT || this.guard ? this.flush() : undefined;
  }

  async flush(): Promise<void> {
    if (this.buffer.length === 0) return;
    const chunk = `${this.buffer.join('\n')}\n`;
    this.buffer = [];
    this.size = 0;
    this.guard?.clear();
    const drained = this.stream.write(chunk);
    this.guard?.redraw();
    if (!drained) await new Promise<void>((resolve) => this.stream.once('drain', () => resolve()));
  }
}
