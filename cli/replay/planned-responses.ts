import type { Finding } from '../../functions/core/detect/finding.ts';
import type { CompiledPolicy } from '../../functions/core/policy/compile-policy.ts';
import { buildResponse } from '../../functions/core/respond/build-response.ts';
import { mergeDocuments, type PolicyDocument } from '../../functions/core/respond/policy-document.ts';
import type { PlannedWrite, ResponseWrites } from '../../functions/core/respond/response-input.ts';

export interface PlannedResponse extends Omit<ResponseWrites, 'writes'> {
  /** The writes with each document complete: merged with what earlier violations of the replay wrote there. */
  readonly writes: readonly PlannedWrite[];
}

/**
 * What the guard would leave in place for each violation of a replay, in order: its documents merged with the
 * ones earlier violations wrote to the same policy (as the guard merges with what it last wrote).
 */
export class PlannedResponses {
  private readonly written = new Map<string, PolicyDocument>();

  constructor(private readonly policy: CompiledPolicy) {}

  /** The planned response to a violation, or null for any other finding. */
  plan(finding: Finding): PlannedResponse | null {
    const response = buildResponse(finding, this.policy);
    if (!response) return null;
    const writes = response.writes.map((write) => {
      const key = `${write.policyType}|${write.account}|${write.target}|${write.name}|${write.policyName}`;
      const merged = mergeDocuments(this.written.get(key) ?? null, write.document);
      this.written.set(key, merged);
      return { ...write, document: merged };
    });
    return { ...response, writes };
  }

  /** Distinct documents written so far (later violations merge into earlier documents). */
  get documents(): number {
    return this.written.size;
  }
}
