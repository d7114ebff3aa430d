// Below this much input a replay finishes before a bar would be worth drawing.
const LARGE_INPUT_BYTES = 8 * 1024 * 1024;
const REDRAW_MS = 100;
const MB = 1_048_576;

export interface Progress {
  update(bytesDone: number): void;
  /** Clears the bar's line, so output written next starts on a clean line. */
  clear(): void;
  /** Draws the bar again after output. */
  redraw(): void;
  stop(): void;
}

/**
 * A one-line progress bar on stderr, fitted to the terminal's width (never wrapping), drawn only when stderr
 * is a terminal and the input is large (or of unknown size); otherwise null, so piped output stays clean.
 */
export function startProgress(totalBytes: number | null, stream: NodeJS.WriteStream = process.stderr): Progress | null {
  if (!stream.isTTY || (totalBytes !== null && totalBytes < LARGE_INPUT_BYTES)) return null;
  let done = 0;
  let drawnAt = 0;
  let visible = false;
  const draw = () => {
    const width = Math.max(20, (stream.columns ?? 80) - 1);
    const tail = totalBytes ? ` ${Math.floor((100 * done) / totalBytes)}% ${Math.round(done / MB)}/${Math.round(totalBytes / MB)} MB` : ` ${Math.round(done / MB)} MB`;
    const room = Math.max(0, width - 'replay []'.length - tail.length);
    const filled = totalBytes ? Math.min(room, Math.round((room * done) / totalBytes)) : 0;
    stream.write(`\r\x1b[2Kreplay [${'#'.repeat(filled)}${' '.repeat(room - filled)}]${tail}`.slice(0, width + 5));
    visible = true;
    drawnAt = Date.now();
  };
  const clear = () => {
    if (visible) stream.write('\r\x1b[2K');
    visible = false;
  };
  draw();
  return {
    update(bytesDone) {
      done = bytesDone;
      if (Date.now() - drawnAt >= REDRAW_MS) draw();
    },
    clear,
    redraw: draw,
    stop: clear,
  };
}
