import { parseArgs } from 'node:util';
import { isGuardrailError, UsageError } from '../functions/core/errors.ts';
import { checkCommand } from './check-command.ts';
import { demoCommand } from './demo-command.ts';
import { planCommand } from './plan-command.ts';
import { invokeCommand } from './invoke-command.ts';
import { replayCommand } from './replay-command.ts';

const USAGE = `usage: agent-guardrail <command> [options]

commands:
  replay [--policy FILE] [--format table|json] [--fail-on-violation] PATH...
      detect over CloudTrail files or folders (log files, .gz, EventBridge events, JSON Lines)
  plan [--policy FILE] [--format json] PATH...
      replay, then print for each violation the exact IAM documents the guard would write
  check [--policy FILE] [--coverage]
      validate the policy and print the EventBridge patterns compiled from it and the rules that need
      read-only or data events; --coverage: what the policy does when an agent performs each AWS
      technique of the Stratus Red Team catalogue
  invoke guard|override FILE
      run the real handler in-process against the AWS endpoint the environment names
  demo
      replay the bundled scenarios and explain what the guardrail would do

exit codes: 0 ok, 1 a violation was found (with --fail-on-violation), 2 usage or unreadable input`;

async function run(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return command ? 0 : 2;
  }
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    strict: true,
    options: {
      policy: { type: 'string' },
      format: { type: 'string' },
      'fail-on-violation': { type: 'boolean' },
      coverage: { type: 'boolean' },
    },
  });
  switch (command) {
    case 'replay':
      return replayCommand({
        policy: values.policy,
        format: values.format,
        failOnViolation: values['fail-on-violation'],
        paths: positionals,
      });
    case 'plan':
      return planCommand({ policy: values.policy, format: values.format, paths: positionals });
    case 'invoke':
      return invokeCommand(positionals);
    case 'check':
      if (positionals.length > 0) throw new UsageError('check takes no paths');
      return checkCommand({ policy: values.policy, coverage: values.coverage });
    case 'demo':
      return demoCommand();
    default:
      throw new UsageError(`unknown command "${command}" (try: replay, plan, check, invoke, demo)`);
  }
}

function describe(error: unknown): string {
  if (isGuardrailError(error)) return error.message;
  // parseArgs throws TypeErrors with a code for unknown or malformed options.
  if (error instanceof Error && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) return error.message;
  return `unexpected error: ${error instanceof Error ? error.stack ?? error.message : String(error)}`;
}

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`agent-guardrail: ${describe(error)}\n`);
    process.exitCode = isGuardrailError(error) || (error instanceof Error && 'code' in error) ? 2 : 70;
  },
);
