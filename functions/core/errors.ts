/**
 * Every failure the guardrail raises on purpose is a GuardrailError subclass that names the bad input and
 * keeps the underlying cause, so a log line says what was wrong and where.
 */
export class GuardrailError extends Error {
  /** Recognisable across bundles (the CLI and each handler bundle carry their own copy of this class). */
  readonly isGuardrailError = true;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GuardrailError';
  }
}

/** The policy file could not be read, parsed or validated. */
export class PolicyError extends GuardrailError {
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(`${file}: invalid policy\n${problems.map((p) => `  - ${p}`).join('\n')}`, options);
    this.name = 'PolicyError';
  }
}

/** An input file could not be read or decoded at all (as opposed to one bad record inside it). */
export class InputError extends GuardrailError {
  constructor(
    readonly source: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${source}: ${reason}`, options);
    this.name = 'InputError';
  }
}

/** Command-line usage was wrong. */
export class UsageError extends GuardrailError {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** True for any GuardrailError, whichever bundle created it. */
export function isGuardrailError(error: unknown): error is GuardrailError {
  return typeof error === 'object' && error !== null && (error as { isGuardrailError?: unknown }).isGuardrailError === true;
}
