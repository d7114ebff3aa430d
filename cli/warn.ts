/** A warning on stderr, in the one format every command uses. */
export function warn(message: string): void {
  process.stderr.write(`agent-guardrail: warning: ${message}\n`);
}
