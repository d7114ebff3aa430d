import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { LineCounter, parseDocument, isMap, isPair, isScalar, type Node } from 'yaml';
import { z } from 'zod';
import { VERDICTS } from '../../functions/core/detect/finding.ts';
import { InputError } from '../../functions/core/errors.ts';
import { formatPath } from '../../functions/core/format-path.ts';
import { RESPONSE_NAMES } from '../../functions/core/policy/schema.ts';
import { SIGNAL_NAMES } from '../../functions/core/detect/signals/signal.ts';

/** The scopes a response can take (plan-response.ts). */
const SCOPES = ['agent', 'session', 'role', 'principal', 'account', 'none'] as const;

/** What one finding must be; fields left out are not compared. */
const expectationSchema = z.strictObject({
  eventName: z.string().optional(),
  verdict: z.enum(VERDICTS).optional(),
  rule: z.string().nullable().optional(),
  response: z.enum(RESPONSE_NAMES).nullable().optional(),
  agent: z.boolean().optional(),
  signals: z.array(z.enum(SIGNAL_NAMES)).optional(),
  late: z.boolean().optional(),
  scope: z.enum(SCOPES).optional(),
  escalated: z.boolean().optional(),
  /** A piece of text the finding's reason must contain. */
  reasonMatches: z.string().optional(),
});

const caseSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  /** The policy as YAML text, or a path to a policy file relative to the test file; default: the command's. */
  policy: z.string().optional(),
  /** State the case starts from: exemptions, quarantined roles, role tags. */
  state: z
    .strictObject({
      exemptions: z.array(z.strictObject({ principalArn: z.string(), until: z.number(), reason: z.string() })).optional(),
      quarantinedRoles: z.array(z.string()).optional(),
      roleTags: z.record(z.string(), z.record(z.string(), z.string())).optional(),
    })
    .optional(),
  /** Events in delivery order: inline records or envelopes, or paths (relative to the test file) to files or folders. */
  events: z.array(z.union([z.string(), z.record(z.string(), z.unknown())])).min(1),
  /** The findings expected, in order: each event's own, and late ones right after the AssumeRole revealing them. */
  expected: z.array(expectationSchema),
  /**
   * `all` (default): `expected` lists every finding. `subset`: the expected findings appear in this order among
   * the findings, others between them allowed (a case about one call in a long trail).
   */
  match: z.enum(['all', 'subset']).default('all'),
});

const manyCasesSchema = z.strictObject({ policy: z.string().optional(), cases: z.array(caseSchema).min(1) });
const isManyCases = (value: unknown) => typeof value === 'object' && value !== null && 'cases' in value;

export type Expectation = z.infer<typeof expectationSchema>;
export type PolicyTestCase = z.infer<typeof caseSchema> & { readonly file: string };

/**
 * Reads a policy test file (YAML or JSON: one case, or `cases:` with a shared `policy:`) into its cases.
 * Throws InputError naming the file and the path of the first problem.
 */
export async function readPolicyTestFile(file: string): Promise<PolicyTestCase[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new InputError(file, `not a readable YAML or JSON test file (${(cause as Error).message.split('\n')[0]})`, { cause });
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  if (doc.errors.length > 0) throw new InputError(file, `not a readable YAML or JSON test file (${doc.errors[0]!.message.split('\n')[0]})`);
  const value: unknown = doc.toJS();
  // One schema or the other, chosen by shape, so a problem is reported at its path rather than as "no match".
  const parsed = isManyCases(value) ? manyCasesSchema.safeParse(value) : caseSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    // The line of the offending key (an unknown one) or value, as an editor shows it.
    const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]!] : issue.path;
    const line = lineOf(doc.contents, path as PropertyKey[], lines);
    throw new InputError(file, `${line ? `line ${line}: ` : ''}${formatPath(path) || 'test file'}: ${issue.message}`);
  }
  const data = parsed.data;
  const cases = 'cases' in data ? data.cases.map((c) => ({ policy: data.policy, ...c })) : [data as z.infer<typeof caseSchema>];
  return cases.map((c) => ({ ...c, file }));
}

/** The line of the node at `path` (a key's own line for a map entry), or null when the path leads nowhere (a missing key). */
function lineOf(root: Node | null | undefined, path: readonly PropertyKey[], lines: LineCounter): number | null {
  let node: unknown = root;
  let at: number | undefined = (root as Node | null | undefined)?.range?.[0];
  for (const part of path) {
    if (!node || typeof node !== 'object' || !('items' in node)) return at === undefined ? null : lines.linePos(at).line;
    const items = (node as { items: unknown[] }).items;
    if (isMap(node)) {
      const pair = items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(part));
      if (!pair || !isPair(pair)) return null;
      at = (pair.key as Node).range?.[0] ?? at;
      node = pair.value;
    } else {
      node = items[Number(part)];
      if (node === undefined) return null;
      at = (node as Node).range?.[0] ?? at;
    }
  }
  return at === undefined ? null : lines.linePos(at).line;
}

/** A case's `policy` as text to compile and the name to report it by, or null for the command's policy. */
export async function casePolicyText(testCase: PolicyTestCase): Promise<{ text: string; name: string } | null> {
  if (testCase.policy === undefined) return null;
  if (testCase.policy.includes('\n')) return { text: testCase.policy, name: `${testCase.file} (${testCase.name} policy)` };
  const path = resolve(dirname(testCase.file), testCase.policy);
  try {
    return { text: await readFile(path, 'utf8'), name: path };
  } catch (cause) {
    throw new InputError(testCase.file, `policy ${testCase.policy}: cannot read (${(cause as NodeJS.ErrnoException).code ?? 'error'})`, { cause });
  }
}
