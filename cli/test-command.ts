import { loadPolicyFile } from '../functions/config/load-policy-file.ts';
import { InputError } from '../functions/core/errors.ts';
import { walkFiles } from './inputs/walk-files.ts';
import { LineWriter } from './output.ts';
import { resolvePolicyPath } from './policy-path.ts';
import { junitReport } from './policy-tests/junit-report.ts';
import { writeOutputFile } from './output-file.ts';
import { readPolicyTestFile } from './policy-tests/policy-test-file.ts';
import { runPolicyTest, type CaseResult } from './policy-tests/run-policy-test.ts';
import { useColour } from './table/finding-table.ts';
import { createColors } from 'picocolors';

const TEST_FILE = /\.(ya?ml|json)$/i;
const DEFAULT_FOLDER = 'policy-tests';

async function testFiles(paths: readonly string[]): Promise<string[]> {
  const { files } = await walkFiles(paths, (path) => TEST_FILE.test(path));
  if (files.length === 0) throw new InputError(paths.join(', '), 'no policy test files (.yaml, .yml, .json) here');
  return files.map((file) => file.path);
}

/**
 * `test [PATH...]`: runs policy tests as data (events and the findings expected of them) against the
 * policy; prints pass/fail per case, writes JUnit XML with --junit, and exits 1 when a case fails.
 */
export async function testCommand(options: { readonly policy?: string; readonly junit?: string; readonly paths: readonly string[] }): Promise<number> {
  const policy = await loadPolicyFile(resolvePolicyPath(options.policy));
  const files = await testFiles(options.paths.length > 0 ? options.paths : [DEFAULT_FOLDER]);
  const colors = createColors(useColour());
  const out = new LineWriter();
  const results: CaseResult[] = [];
  for (const file of files) {
    for (const testCase of await readPolicyTestFile(file)) {
      const result = await runPolicyTest(testCase, policy);
      results.push(result);
      await out.line(`${result.passed ? colors.green('pass') : colors.red('FAIL')}  ${file}: ${testCase.name}`);
      for (const failure of result.failures) await out.line(`      ${failure}`);
    }
  }
  const failed = results.filter((result) => !result.passed).length;
  await out.line(`\n${results.length} cases in ${files.length} files: ${results.length - failed} passed, ${failed} failed.`);
  await out.flush();
  if (options.junit) await writeOutputFile(options.junit, '--junit', junitReport(results));
  return failed > 0 ? 1 : 0;
}
