/**
 * Compiles an IAM-style pattern (`*` any run, `?` one character) to a RegExp matching whole strings.
 * A leading or trailing `*` drops that anchor instead of becoming `.*`, which keeps matching long
 * strings (user agents) linear and fast.
 * @example wildcardToRegExp('iam:Put*Policy', 'i').test('iam:PutRolePolicy') // true
 */
export function wildcardToRegExp(pattern: string, flags = ''): RegExp {
  const leading = pattern.startsWith('*');
  const trailing = pattern.length > 1 && pattern.endsWith('*');
  const core = pattern.slice(leading ? 1 : 0, trailing ? -1 : undefined);
  const body = core.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`${leading ? '' : '^'}${body}${trailing ? '' : '$'}`, flags);
}
