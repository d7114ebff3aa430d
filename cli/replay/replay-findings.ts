import { createDetector, invalidFinding } from '../../functions/core/detect/detector.ts';
import type { Finding } from '../../functions/core/detect/finding.ts';
import { InputError } from '../../functions/core/errors.ts';
import type { CompiledPolicy } from '../../functions/core/policy/compile-policy.ts';
import { InMemoryState } from '../../functions/core/state/in-memory-state.ts';
import { totalBytes, type InputSource } from '../inputs/input-source.ts';
import { createValidator } from './validated-batches.ts';
import { MintedSessions } from './minted-sessions.ts';

export interface ReplayHooks {
  /**
   * Every finding in input order (late violations right after the AssumeRole that revealed them), with
   * whether its session's AssumeRole was outside the replay. May return a promise (output back-pressure).
   */
  onFinding(finding: Finding, sessionUnknown: boolean): void | Promise<void>;
  /** Stored bytes read so far, across sources. */
  onProgress?(bytesDone: number): void;
  /**
   * A source that is not CloudTrail as a whole (not JSON, truncated, a digest file); returns true to read on
   * with the next source, false to stop. Without this hook the problem is thrown.
   */
  onSourceProblem?(problem: InputError): boolean;
}

export interface ReplayTotals {
  /** Role sessions seen calling whose AssumeRole was not in the replay. */
  readonly unknownSessions: number;
  /** Sources skipped as not CloudTrail. */
  readonly skippedSources: number;
  /** True when a source problem stopped the replay before its end. */
  readonly stopped: boolean;
  /** Calls given up waiting for their session's AssumeRole to bound memory. */
  readonly parkedGivenUp: number;
  /** Records whose eventID was already read (overlapping trails): answered once, as the guard does. */
  readonly duplicates: number;
}

/**
 * Calls waiting for their session's AssumeRole, at most (about 2 KB each as JSON text): a replay of a long
 * window parks every rule-matching call of sessions begun before it; past this the longest-waiting is given
 * up (it was already answered, as allowed of an unknown session) so memory stays bounded.
 */
const MAX_PARKED = 20_000;
/** From this much input on, records are split, parsed and validated on a second thread. */
const PARALLEL_FROM_BYTES = 8 * 1024 * 1024;

/**
 * Runs detection over sources in the order given, with in-memory state, reading each incrementally.
 * Writes nothing anywhere.
 */
export async function replayFindings(sources: readonly InputSource[], policy: CompiledPolicy, hooks: ReplayHooks): Promise<ReplayTotals> {
  const state = new InMemoryState({}, { maxParked: MAX_PARKED });
  const detector = createDetector(policy, state);
  const sessions = new MintedSessions();
  const bytes = totalBytes(sources);
  const validator = createValidator(bytes === null || bytes >= PARALLEL_FROM_BYTES);
  let bytesDone = 0;
  let skippedSources = 0;
  let stopped = false;
  // The guard answers each eventID once (its event claim); so does replay, when trails overlap.
  const seen = new SeenEventIds();
  let duplicates = 0;
  const onBytes = hooks.onProgress
    ? (read: number) => {
        bytesDone += read;
        hooks.onProgress!(bytesDone);
      }
    : undefined;
  try {
    for (const source of sources) {
      try {
        for await (const results of validator.batches(source, onBytes)) {
          for (const result of results) {
            if (result.ok) {
              const id = result.record.eventID;
              if (!seen.add(id)) {
                duplicates++;
                continue;
              }
              sessions.observe(result.record);
            }
            const findings = result.ok ? await detector.evaluate(result.record) : [invalidFinding(result)];
            for (const finding of findings) {
              const wait = hooks.onFinding(finding, result.ok && sessions.isUnknown(finding));
              if (wait) await wait;
            }
          }
        }
      } catch (error) {
        if (!(error instanceof InputError) || !hooks.onSourceProblem) throw error;
        skippedSources++;
        if (!hooks.onSourceProblem(error)) {
          stopped = true;
          break;
        }
      }
    }
  } finally {
    await validator.close();
  }
  return { unknownSessions: sessions.unknownCount(), skippedSources, stopped, parkedGivenUp: state.parkedGivenUp, duplicates };
}

/** Event IDs remembered at most: about 50 MB; past it the oldest are forgotten (a copy that far apart is counted twice). */
const MAX_SEEN_IDS = 1_000_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The event IDs read so far, bounded; CloudTrail's UUIDs kept as their 16 bytes rather than 36 characters. */
export class SeenEventIds {
  private readonly ids = new Set<string>();

  constructor(private readonly max = MAX_SEEN_IDS) {}

  /** False when the ID was already read. */
  add(id: string): boolean {
    const key = UUID.test(id) ? Buffer.from(id.replaceAll('-', ''), 'hex').toString('latin1') : `~${id}`;
    if (this.ids.has(key)) return false;
    this.ids.add(key);
    if (this.ids.size > this.max) this.ids.delete(this.ids.values().next().value!);
    return true;
  }
}
