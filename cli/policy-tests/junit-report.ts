import type { CaseResult } from './run-policy-test.ts';

const escapeXml = (text: string) =>
  text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

/** The results as JUnit XML (one testsuite per file), the format CI systems read test reports in. */
export function junitReport(results: readonly CaseResult[]): string {
  const byFile = new Map<string, CaseResult[]>();
  for (const result of results) byFile.set(result.file, [...(byFile.get(result.file) ?? []), result]);
  const suites = [...byFile].map(([file, cases]) => {
    const failed = cases.filter((c) => !c.passed).length;
    const time = cases.reduce((sum, c) => sum + c.seconds, 0).toFixed(3);
    const body = cases.map((c) => {
      const open = `    <testcase classname="${escapeXml(file)}" name="${escapeXml(c.name)}" time="${c.seconds.toFixed(3)}"`;
      if (c.passed) return `${open}/>`;
      return `${open}>\n      <failure message="${escapeXml(c.failures[0] ?? 'failed')}">${escapeXml(c.failures.join('\n'))}</failure>\n    </testcase>`;
    });
    return `  <testsuite name="${escapeXml(file)}" tests="${cases.length}" failures="${failed}" errors="0" time="${time}">\n${body.join('\n')}\n  </testsuite>`;
  });
  const failures = results.filter((r) => !r.passed).length;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="agent-guardrail policy tests" tests="${results.length}" failures="${failures}">\n${suites.join('\n')}\n</testsuites>\n`;
}
