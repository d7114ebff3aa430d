import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The package root (this file is bundled to dist/cli/, two levels below it). */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** `--policy` if given, else ./guardrail.yaml when present, else the policy shipped with the package. */
export function resolvePolicyPath(option: string | undefined): string {
  if (option) return option;
  if (existsSync('guardrail.yaml')) return 'guardrail.yaml';
  return `${PACKAGE_ROOT}guardrail.yaml`;
}
