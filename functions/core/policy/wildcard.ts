/**
 * Compiles an IAM-style pattern (`*` any run, `?` one character) to an anchored RegExp.
 * @example wildcardToRegExp('iam:Put*Policy', 'i').test('iam:PutRolePolicy') // true
 */
export function wildcardToRegExp(pattern: string, flags = ''): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, flags);
}
