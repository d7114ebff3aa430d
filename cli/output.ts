/** Buffers output lines and writes them in large chunks, waiting when the stream asks to. */
export class LineWriter {
  private buffer: string[] = [];
  private size = 0;
  private static readonly FLUSH_AT = 1 << 16;

  constructor(private readonly stream: NodeJS.WritableStream = process.stdout) {}

  /** Queues a line; returns a promise only when the buffer was flushed and must be awaited. */
  line(text: string): Promise<void> | undefined {
    this.buffer.push(text);
    this.size += text.length + 1;
    return this.size >= LineWriter.FLUSH_AT ? this.flush() : undefined;
  }

  async flush(): Promise<void> {
    if (this.buffer.length === 0) return;
    const chunk = `${this.buffer.join('\n')}\n`;
    this.buffer = [];
    this.size = 0;
    if (!this.stream.write(chunk)) await new Promise<void>((resolve) => this.stream.once('drain', () => resolve()));
  }
}
