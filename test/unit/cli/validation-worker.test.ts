import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { listLocalSources } from '../../../cli/inputs/local-sources.ts';
import { inThreadValidator, WorkerValidator, type RecordValidator } from '../../../cli/replay/validated-batches.ts';
import { ROOT, SCENARIOS } from '../../helpers/run-cli.ts';

// The built worker (npm test builds dist/ first): the same code the command runs on its second thread.
const WORKER = join(ROOT, 'dist/cli/validation-worker.mjs');

async function readAll(validator: RecordValidator, paths: string[]): Promise<unknown[]> {
  const out: unknown[] = [];
  const { sources } = await listLocalSources(paths);
  for (const source of sources) {
    try {
      for await (const batch of validator.batches(source)) out.push(...batch);
    } catch (error) {
      out.push({ problem: (error as Error).message });
    }
  }
  return out;
}

describe('validation on a worker thread', () => {
  it('gives exactly what this thread gives, in order: records, rejections and whole-file problems', async () => {
    const work = mkdtempSync(join(tmpdir(), 'agent-guardrail-worker-'));
    const record = JSON.parse(readFileSync(join(SCENARIOS, '01-mcp-server-deletes-bucket/02-DeleteBucket.json'), 'utf8')).detail;
    // Large enough for many chunks; a bad line, an invalid record, a gzip file, and a file that is not CloudTrail.
    const lines = Array.from({ length: 3000 }, (_, i) => JSON.stringify({ ...record, eventID: `e-${i}`, ...(i === 7 ? { eventTime: 'yesterday' } : {}) }));
    lines.splice(100, 0, 'not json');
    writeFileSync(join(work, 'a.jsonl'), `${lines.join('\n')}\n`);
    writeFileSync(join(work, 'b.json.gz'), gzipSync(JSON.stringify({ Records: [record, { ...record, eventID: 'g-2' }] })));
    writeFileSync(join(work, 'c.json'), 'plain text');
    writeFileSync(join(work, 'd.json'), JSON.stringify(record));
    const worker = new WorkerValidator(WORKER);
    try {
      const expected = await readAll(inThreadValidator, [work]);
      expect(expected).toHaveLength(3001 + 2 + 1 + 1);
      expect(expected).toContainEqual({ problem: `${join(work, 'c.json')}: not JSON: it starts with "p"` });
      expect(await readAll(worker, [work])).toEqual(expected);
    } finally {
      await worker.close();
    }
  });
});
