import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { validateRecord, type ValidationResult } from '../../functions/core/cloudtrail/validate-record.ts';
import { InputError } from '../../functions/core/errors.ts';
import type { InputSource } from '../inputs/input-source.ts';
import { readSource, sourceChunks } from '../inputs/read-source.ts';
import type { FromWorker, ToWorker } from './validation-worker.ts';

/** Reads sources as batches of validated records, in input order. */
export interface RecordValidator {
  batches(source: InputSource, onBytes?: (bytes: number) => void): AsyncGenerator<ValidationResult[]>;
  close(): Promise<void>;
}

/** Everything on this thread: for small inputs, where starting a second thread costs more than it saves. */
export const inThreadValidator: RecordValidator = {
  async *batches(source, onBytes) {
    for await (const items of readSource(source, onBytes)) yield items.map(validateRecord);
  },
  close: async () => undefined,
};

// Chunks handed to the worker and not yet answered: enough to keep both threads busy, few enough that
// memory stays bounded when detection is the slower side.
const IN_FLIGHT = 4;

/**
 * Splitting, parsing and validating on a worker thread while this thread detects: replay's two halves on
 * two cores. The decoded bytes are transferred to the worker, not copied; results come back in order.
 */
export class WorkerValidator implements RecordValidator {
  private readonly worker: Worker;
  private readonly inbox: FromWorker[] = [];
  private wake: (() => void) | null = null;
  private crashed: Error | null = null;
  private nextId = 0;

  constructor(script: string) {
    this.worker = new Worker(script);
    this.worker.on('message', (message: FromWorker) => this.deliver(message));
    this.worker.on('error', (error) => {
      this.crashed = error;
      this.wake?.();
    });
  }

  private deliver(message: FromWorker): void {
    this.inbox.push(message);
    this.wake?.();
  }

  private async receive(id: number): Promise<FromWorker> {
    for (;;) {
      if (this.crashed) throw this.crashed;
      const message = this.inbox.shift();
      if (message) {
        if (message.id === id) return message;
        continue; // an answer about an earlier source that was given up
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = null;
    }
  }

  private send(message: ToWorker, transfer: ArrayBuffer[] = []): void {
    this.worker.postMessage(message, transfer);
  }

  async *batches(source: InputSource, onBytes?: (bytes: number) => void): AsyncGenerator<ValidationResult[]> {
    const id = this.nextId++;
    this.send({ type: 'open', id, name: source.name });
    let waiting = 0;
    const answer = async (): Promise<ValidationResult[] | null> => {
      const message = await this.receive(id);
      if (message.type === 'problem') throw new InputError(source.name, message.message);
      if (message.type === 'ended') return null;
      waiting--;
      return message.results;
    };
    for await (const chunk of sourceChunks(source, onBytes)) {
      // A chunk that shares its memory (a slice of zlib's output or of a pool) is copied into memory of its
      // own first; Buffer.from would copy into the shared pool again.
      const bytes = chunk.byteOffset === 0 && chunk.buffer.byteLength === chunk.length ? (chunk.buffer as ArrayBuffer) : new Uint8Array(chunk).buffer;
      this.send({ type: 'chunk', id, bytes }, [bytes]);
      waiting++;
      while (waiting >= IN_FLIGHT) {
        const results = await answer();
        if (results && results.length > 0) yield results;
      }
    }
    this.send({ type: 'end', id });
    for (;;) {
      const results = await answer();
      if (results === null) return;
      if (results.length > 0) yield results;
    }
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

/** The worker script beside this bundle (dist/cli/), or null when running from sources. */
function workerScript(): string | null {
  const path = fileURLToPath(new URL('./validation-worker.mjs', import.meta.url));
  return existsSync(path) ? path : null;
}

/** A validator on a second thread when one is worth it (large input) and available, else this thread. */
export function createValidator(largeInput: boolean): RecordValidator {
  const script = largeInput ? workerScript() : null;
  return script ? new WorkerValidator(script) : inThreadValidator;
}
