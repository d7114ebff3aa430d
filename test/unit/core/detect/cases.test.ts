import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPolicyTestFile } from '../../../../cli/policy-tests/policy-test-file.ts';
import { runPolicyTest } from '../../../../cli/policy-tests/run-policy-test.ts';
import { loadDefaultPolicy } from '../../../helpers/policy.ts';

// Detection cases as data, in the format of `agent-guardrail test` and run by the same code.
const CASES = join(new URL('../../../../', import.meta.url).pathname, 'test/cases/detect');

describe.each(readdirSync(CASES).filter((f) => f.endsWith('.json')).sort())('test/cases/detect/%s', (file) => {
  it('finds what the case expects', async () => {
    const [testCase] = await readPolicyTestFile(join(CASES, file));
    const result = await runPolicyTest(testCase!, await loadDefaultPolicy());
    expect(result.failures).toEqual([]);
    // Anything but a violation is never answered with a response.
    for (const finding of result.findings) if (finding.verdict !== 'violation') expect(finding.response).toBeNull();
  });
});
