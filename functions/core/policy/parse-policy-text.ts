import { LineCounter, parseDocument, isNode } from 'yaml';
import { PolicyError } from '../errors.ts';
import { formatPath } from '../format-path.ts';
import { policySchema, type Policy } from './schema.ts';
import type { PolicyProblem } from './compile-policy.ts';

export interface ParsedPolicyText {
  readonly policy: Policy;
  /** Turns compile-time problems into messages with the same file:line:column form as schema problems. */
  describe(problems: readonly PolicyProblem[]): string[];
}


/**
 * Parses and validates guardrail.yaml text. Every problem names the file, the line and column, the path
 * inside the document and what is wrong; all of them are reported at once in one PolicyError.
 * @example parsePolicyText('mode: sometimes', 'guardrail.yaml') // throws PolicyError 'guardrail.yaml:1:7 mode: ...'
 */
export function parsePolicyText(text: string, file: string): ParsedPolicyText {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (document.errors.length > 0) {
    throw new PolicyError(
      file,
      document.errors.map((error) => {
        const { line, col } = lineCounter.linePos(error.pos[0]);
        return `${file}:${line}:${col} YAML: ${error.message.split('\n')[0]}`;
      }),
    );
  }

  const locate = (path: readonly PropertyKey[]): string => {
    // Walk up to the nearest node that exists (a missing key is reported at its parent).
    for (let depth = path.length; depth >= 0; depth--) {
      const node = path.length === 0 ? document.contents : document.getIn(path.slice(0, depth) as unknown[], true);
      if (isNode(node) && node.range) {
        const { line, col } = lineCounter.linePos(node.range[0]);
        return `${file}:${line}:${col}`;
      }
    }
    return file;
  };
  const describe = (problems: readonly PolicyProblem[]) =>
    problems.map((p) => `${locate(p.path)} ${formatPath(p.path) || '(top level)'}: ${p.message}`);

  const parsed = policySchema.safeParse(document.toJS());
  if (!parsed.success) {
    throw new PolicyError(
      file,
      describe(parsed.error.issues.map((issue) => ({ path: issue.path as (string | number)[], message: issue.message }))),
    );
  }
  return { policy: parsed.data, describe };
}
