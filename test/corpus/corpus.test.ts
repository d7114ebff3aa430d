import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { unwrapInput } from '../../functions/core/cloudtrail/unwrap-input.ts';
import { validateRecord } from '../../functions/core/cloudtrail/validate-record.ts';
import { createDetector, invalidFinding } from '../../functions/core/detect/detector.ts';
import type { Finding } from '../../functions/core/detect/finding.ts';
import { InMemoryState } from '../../functions/core/state/in-memory-state.ts';
import { loadDefaultPolicy } from '../helpers/policy.ts';

// Records written by others (Panther, Stratus Red Team, AWS documentation, published MCP exports);
// SOURCES.md beside them gives provenance, commit and licence of each file.
const CORPUS = new URL('./cloudtrail/', import.meta.url).pathname;
const files = readdirSync(CORPUS).filter((f) => f.endsWith('.json')).sort();

async function replayEach(): Promise<Map<string, Finding[]>> {
  const policy = await loadDefaultPolicy();
  const byFile = new Map<string, Finding[]>();
  for (const file of files) {
    // Each record alone, with fresh state: the files are unrelated to each other.
    const detector = createDetector(policy, new InMemoryState());
    const findings: Finding[] = [];
    for (const item of unwrapInput(JSON.parse(readFileSync(join(CORPUS, file), 'utf8')), file)) {
      const result = validateRecord(item);
      findings.push(...(result.ok ? await detector.evaluate(result.record) : [invalidFinding(result)]));
    }
    byFile.set(file, findings);
  }
  return byFile;
}

describe('external CloudTrail corpus', () => {
  it('is present', () => {
    expect(files.length).toBeGreaterThanOrEqual(100);
  });

  it('answers every record with exactly one verdict and a reason, without crashing', async () => {
    const byFile = await replayEach();
    for (const [file, findings] of byFile) {
      expect(findings, file).toHaveLength(1);
      expect(['allow', 'violation', 'protected', 'exempt', 'invalid'], file).toContain(findings[0]!.verdict);
      expect(findings[0]!.reason.length, file).toBeGreaterThan(0);
    }
  });

  it('never finds a violation in a record without an agent signal under the default policy', async () => {
    const byFile = await replayEach();
    for (const [file, [finding]] of byFile) {
      if (finding!.verdict === 'violation' && finding!.rule !== 'guardrail-tamper') {
        expect(finding!.signals.length, `${file}: ${finding!.reason}`).toBeGreaterThan(0);
      }
    }
  });

  it('recognises the published AWS MCP server records as agent-driven', async () => {
    const byFile = await replayEach();
    const mcp = ['secondbreath-DescribeStacks-1.json', 'secondbreath-GetCallerIdentity-2.json', 'secondbreath-CallReadWriteTool-1.json'];
    for (const file of mcp) {
      const [finding] = byFile.get(file)!;
      expect(finding!.agent, file).toBe(true);
      expect(finding!.signals, file).toContain('mcp-service');
    }
    // The same author's records made without the MCP server carry no signal.
    expect(byFile.get('secondbreath-GetCallerIdentity-1.json')![0]!.agent).toBe(false);
  });

  it('rejects records that cannot be genuine: masked account ids, non-ISO times, inconsistent identities', async () => {
    const byFile = await replayEach();
    expect(byFile.get('avisoandino-CallReadWriteTool-1.json')![0]).toMatchObject({ verdict: 'invalid', reason: expect.stringMatching(/12-digit/) });
    expect(byFile.get('panther-AssumeRole-1.json')![0]).toMatchObject({ verdict: 'invalid', reason: expect.stringMatching(/ISO 8601/) });
    expect(byFile.get('awsdocs-guardduty-CreateThreatIntelSet-1.json')![0]!.verdict).toBe('invalid');
  });

  it('answers AWS service events (no userIdentity.type, invokedBy AWS Internal) as genuine allows', async () => {
    const byFile = await replayEach();
    expect(byFile.get('awsdocs-cloudtrail-RotateKey-1.json')![0]).toMatchObject({
      verdict: 'allow',
      agent: false,
      reason: 'AWS service event (AWS Internal): made by AWS, not by a principal\'s call',
    });
  });
});
