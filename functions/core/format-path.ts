/**
 * A validation path in the dotted form people read ("rules[0].match.actions[1]").
 * @example formatPath(['rules', 0, 'id']) // 'rules[0].id'
 */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? String(part) : `.${String(part)}`)).join('');
}
