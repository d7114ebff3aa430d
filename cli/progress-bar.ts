import type { InputFile } from './read-inputs.ts';

// Below this much input a replay finishes before a bar would be worth drawing.
const LARGE_INPUT_BYTES = 8 * 1024 * 1024;

export interface Progress {
  update(bytesDone: number): void;
  stop(): void;
}

/**
 * A progress bar on stderr, only when stderr is a terminal and the input is large; otherwise nothing,
 * so piped output stays clean. cli-progress is loaded only when a bar is drawn.
 */
export async function startProgress(files: readonly InputFile[]): Promise<Progress | null> {
  const total = files.reduce((sum, file) => sum + file.bytes, 0);
  if (!process.stderr.isTTY || total < LARGE_INPUT_BYTES) return null;
  const { SingleBar, Presets } = await import('cli-progress');
  const bar = new SingleBar(
    { stream: process.stderr, format: 'replay [{bar}] {percentage}% | {value}/{total} MB', hideCursor: true },
    Presets.shades_classic,
  );
  const mb = (bytes: number) => Math.round(bytes / 1048576);
  bar.start(mb(total), 0);
  return {
    update: (bytesDone) => bar.update(mb(bytesDone)),
    stop: () => bar.stop(),
  };
}
