import { validateRecord } from '../functions/core/cloudtrail/validate-record.ts';
import { createDetector, invalidFinding } from '../functions/core/detect/detector.ts';
import type { Finding } from '../functions/core/detect/finding.ts';
import type { CompiledPolicy } from '../functions/core/policy/compile-policy.ts';
import { InMemoryState } from '../functions/core/state/in-memory-state.ts';
import { readInputFile, type InputFile } from './read-inputs.ts';

/** Called now and then with the input bytes processed so far. */
export type ReplayProgress = (bytesDone: number) => void;

const PROGRESS_EVERY = 10_000;

/**
 * Runs detection over input files in the order given, with in-memory state, handing every finding to
 * `onFinding` (late violations right after the AssumeRole that revealed them). Writes nothing anywhere.
 * `onFinding` may return a promise (output back-pressure), which is awaited.
 */
export async function replayFindings(
  files: readonly InputFile[],
  policy: CompiledPolicy,
  onFinding: (finding: Finding) => void | Promise<void>,
  progress?: ReplayProgress,
): Promise<void> {
  const detector = createDetector(policy, new InMemoryState());
  let bytesBefore = 0;
  for (const file of files) {
    const items = await readInputFile(file.path);
    for (let i = 0; i < items.length; i++) {
      if (progress && i % PROGRESS_EVERY === 0) progress(bytesBefore + (file.bytes * i) / items.length);
      const result = validateRecord(items[i]!);
      const findings = result.ok ? await detector.evaluate(result.record) : [invalidFinding(result)];
      for (const finding of findings) {
        const wait = onFinding(finding);
        if (wait) await wait;
      }
    }
    bytesBefore += file.bytes;
    progress?.(bytesBefore);
  }
}

export interface ReplaySummary {
  events: number;
  agentEvents: number;
  allow: number;
  violation: number;
  protected: number;
  exempt: number;
  invalid: number;
  late: number;
}

export function emptySummary(): ReplaySummary {
  return { events: 0, agentEvents: 0, allow: 0, violation: 0, protected: 0, exempt: 0, invalid: 0, late: 0 };
}

/** Counts a finding; a late finding re-reports an event already counted, so it only adds to `late`. */
export function countFinding(summary: ReplaySummary, finding: Finding): void {
  if (finding.late) {
    summary.late++;
    if (finding.verdict === 'violation') summary.violation++;
    return;
  }
  summary.events++;
  if (finding.agent) summary.agentEvents++;
  summary[finding.verdict]++;
}
