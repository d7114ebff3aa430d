import { parentPort } from 'node:worker_threads';
import { validateRecord, type ValidationResult } from '../../functions/core/cloudtrail/validate-record.ts';
import { NotCloudTrailError, RecordSplitter } from '../inputs/split-records.ts';

/**
 * The replay's second thread: cuts the decoded bytes of one source at a time into records, parses and
 * validates them, and hands the results back in order. Detection stays on the main thread (it is
 * sequential: a session's AssumeRole must be seen before its calls are judged).
 *
 * In:  { type: 'open', id, name } | { type: 'chunk', id, bytes } | { type: 'end', id }
 * Out: { type: 'results', id, results } per chunk | { type: 'ended', id } | { type: 'problem', id, message }
 */
export type ToWorker = { type: 'open'; id: number; name: string } | { type: 'chunk'; id: number; bytes: ArrayBuffer } | { type: 'end'; id: number };
export type FromWorker =
  | { type: 'results'; id: number; results: ValidationResult[] }
  | { type: 'ended'; id: number }
  | { type: 'problem'; id: number; message: string };

let splitter: RecordSplitter | null = null;
let current = -1;

function problem(id: number, error: unknown): FromWorker {
  splitter = null;
  return { type: 'problem', id, message: error instanceof NotCloudTrailError ? error.message : `unexpected: ${(error as Error).message}` };
}

parentPort!.on('message', (message: ToWorker) => {
  const post = (reply: FromWorker) => parentPort!.postMessage(reply);
  if (message.type === 'open') {
    current = message.id;
    splitter = new RecordSplitter(message.name);
    return;
  }
  // After a problem the source's remaining chunks are answered empty, so the main thread's count holds.
  if (message.id !== current || !splitter) {
    post({ type: 'results', id: message.id, results: [] });
    return;
  }
  try {
    if (message.type === 'chunk') {
      post({ type: 'results', id: message.id, results: splitter.push(Buffer.from(message.bytes)).map(validateRecord) });
    } else {
      // A JSON Lines file cut short on its last line ends with that line's rejection.
      const last = splitter.end();
      splitter = null;
      if (last.length > 0) post({ type: 'results', id: message.id, results: last.map(validateRecord) });
      post({ type: 'ended', id: message.id });
    }
  } catch (error) {
    post(problem(message.id, error));
  }
});
