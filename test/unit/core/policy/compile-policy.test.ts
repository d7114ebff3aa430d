import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compilePolicyText } from '../../../../functions/config/load-policy-file.ts';
import { PolicyError } from '../../../../functions/core/errors.ts';
import { catalogueFromMap } from '../../../../functions/core/policy/action-catalogue.ts';
import { compilePolicy } from '../../../../functions/core/policy/compile-policy.ts';
import { policyJsonSchemaText } from '../../../../functions/core/policy/policy-json-schema.ts';
import { parsePolicyText } from '../../../../functions/core/policy/parse-policy-text.ts';
import { DEFAULT_POLICY_FILE, loadDefaultPolicy } from '../../../helpers/policy.ts';

const minimal = (actions: string, extra = '') => `mode: enforce
agents: {}
rules:
  - id: r1
    description: test rule
    match:
      actions: [${actions}]
    response: deny-action
${extra}`;

async function problemsOf(text: string): Promise<string[]> {
  try {
    await compilePolicyText(text, 'guardrail.yaml');
  } catch (error) {
    if (error instanceof PolicyError) return [...error.problems];
    throw error;
  }
  throw new Error('expected a PolicyError');
}

describe('policy loading', () => {
  it('compiles the shipped default policy', async () => {
    const policy = await loadDefaultPolicy();
    expect(policy.rules.map((rule) => rule.id)).toEqual([
      'no-guardrail-changes',
      'no-privilege-escalation',
      'no-credential-minting',
      'no-audit-evasion',
      'no-data-destruction',
      'no-leaving-organization',
      'no-log-expiry',
      'no-versioning-suspension',
      'no-sharing-outside',
      'no-backdoors',
      'no-remote-execution',
      'no-user-data-changes',
      'no-unusual-instances',
      'no-secret-harvesting',
      'no-decrypted-parameter-harvesting',
      'no-user-data-reads',
      'no-ses-enumeration',
      'no-model-abuse',
      'no-mass-object-deletion',
      'no-customer-key-encryption',
      'no-console-sign-in-without-mfa',
    ]);
  });

  it('rejects a misspelt action, naming file, line, path and a suggestion', async () => {
    const problems = await problemsOf(minimal('"iam:PutRolePolicyy"'));
    expect(problems).toEqual([
      'guardrail.yaml:7:17 rules[0].match.actions[0]: unknown IAM action "iam:PutRolePolicyy" (did you mean "iam:PutRolePolicy"?)',
    ]);
  });

  it('expands wildcards against the IAM catalogue', async () => {
    const policy = await compilePolicyText(minimal('"iam:Put*Policy"'), 'p.yaml');
    expect(policy.rules[0]!.actions).toEqual(
      expect.arrayContaining(['iam:PutRolePolicy', 'iam:PutUserPolicy', 'iam:PutGroupPolicy']),
    );
    expect(policy.rules[0]!.actions.every((action) => /^iam:Put.*Policy$/.test(action))).toBe(true);
  });

  it.each([
    ['an unknown service', minimal('"nosuch:DoThing"'), /unknown IAM service "nosuch"/],
    ['a wildcard matching nothing', minimal('"iam:Zzz*"'), /"iam:Zzz\*" matches no IAM action of iam/],
    ['an unknown response', minimal('"iam:GetRole"').replace('deny-action', 'explode'), /rules\[0\]\.response: Invalid option/],
    ['an unknown key', minimal('"iam:GetRole"', 'extra: 1'), /\(top level\): Unrecognized key: "extra"/],
    ['a bad mode', minimal('"iam:GetRole"').replace('enforce', 'sometimes'), /guardrail.yaml:1:7 mode:/],
    ['a bad duration', minimal('"iam:GetRole"', '    escalate: { after: 2, within: soon, to: quarantine-role }'), /escalate\.within: must be a duration/],
    ['the reserved tamper id', minimal('"iam:GetRole"').replace('id: r1', 'id: guardrail-tamper'), /built-in tamper rule/],
    ['broken YAML', 'mode: [enforce', /guardrail.yaml:1:\d+ YAML:/],
  ])('rejects %s with a located message', async (_name, text, expected) => {
    const problems = await problemsOf(text);
    expect(problems.join('\n')).toMatch(expected);
  });

  it('reports duplicate rule ids', async () => {
    const text = `${minimal('"iam:GetRole"')}  - id: r1
    description: again
    match: { actions: ["iam:GetUser"] }
    response: notify
`;
    expect((await problemsOf(text)).join('\n')).toMatch(/rules\[1\]\.id: duplicate rule id \(also rules\[0\]\)/);
  });
});

describe('compiled rule index', () => {
  const catalogue = catalogueFromMap(new Map([['iam', ['PutRolePolicy', 'PutUserPolicy', 'GetRole']]]));
  const { policy } = parsePolicyText(minimal('"iam:Put*Policy"'), 'p.yaml');
  const result = compilePolicy(policy, catalogue);
  if (!result.ok) throw new Error('compile failed');
  const compiled = result.policy;

  it('finds rules by exact action, case-insensitively', () => {
    expect(compiled.rulesFor('iam:PutRolePolicy').map((r) => r.id)).toEqual(['r1']);
    expect(compiled.rulesFor('IAM:putrolepolicy').map((r) => r.id)).toEqual(['r1']);
    expect(compiled.rulesFor('iam:GetRole')).toEqual([]);
  });

  it('still matches wildcards for actions newer than the catalogue', () => {
    expect(compiled.rulesFor('iam:PutBrandNewPolicy').map((r) => r.id)).toEqual(['r1']);
    expect(compiled.rulesFor('s3:PutBrandNewPolicy')).toEqual([]);
  });
});

describe('guardrail.schema.json', () => {
  it('is the JSON Schema generated from the zod schema (run `npm run schema` when this fails)', () => {
    const committed = readFileSync(new URL('../../../../guardrail.schema.json', import.meta.url), 'utf8');
    expect(committed).toBe(policyJsonSchemaText());
  });

  it('is referenced by the default policy for editors', () => {
    expect(readFileSync(DEFAULT_POLICY_FILE, 'utf8')).toMatch(/\$schema=\.\/guardrail\.schema\.json/);
  });
});
