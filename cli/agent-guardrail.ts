import { Command, CommanderError, Option } from 'commander';
import packageJson from '../package.json' with { type: 'json' };
import { isGuardrailError } from '../functions/core/errors.ts';
import { VERDICTS } from '../functions/core/detect/finding.ts';
import { checkCommand } from './check-command.ts';
import { UsageError } from '../functions/core/errors.ts';
import { preflightCommand } from './preflight-command.ts';
import { compileBoundaryCommand, compileScpCommand, compileTrustCommand } from './compile-command.ts';
import { demoCommand } from './demo-command.ts';
import { invokeCommand } from './invoke-command.ts';
import { planCommand } from './plan-command.ts';
import { replayCommand } from './replay-command.ts';
import { testCommand } from './test-command.ts';

const EXIT_CODES = 'exit codes: 0 ok, 1 a violation was found (with --fail-on-violation) or a policy test failed, 2 usage or unreadable input';
const INPUTS =
  'inputs: CloudTrail log files (.json, .json.gz), EventBridge events, JSON Lines, folders of them (walked), ' +
  '- for standard input, or s3://bucket/prefix of a trail (only the days in --since/--until are listed)';

// The SDK warns on every run under a Node version it will stop supporting; the command has nothing to add.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** Repeatable, comma-separated option values: `--verdict violation,exempt --verdict protected`. */
const collect = (value: string, previous: string[] = []) => [...previous, value];
const policyOption = () => new Option('--policy <file>', 'policy file (default: ./guardrail.yaml, else the bundled one)');

/** Sets the process exit code from a command's result. */
const exitWith = (code: number) => {
  process.exitCode = code;
};

function buildProgram(): Command {
  const program = new Command('agent-guardrail')
    .description('Detect and contain AI agents acting in AWS: replay CloudTrail offline, plan responses, check policies.')
    .version(packageJson.version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'print this help')
    .addHelpText('after', `\n${EXIT_CODES}`)
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(`agent-guardrail: ${text.replace(/^error: /, '')}`) });

  program
    .command('replay')
    .description('detect over recorded CloudTrail and print a finding per event')
    .argument('<inputs...>', INPUTS)
    .addOption(policyOption())
    .addOption(new Option('--format <format>', 'output format: a table, JSON Lines, or a self-contained HTML report').choices(['table', 'json', 'html']).default('table'))
    .option('--output <file>', 'write to this file instead of standard output')
    .option('--all', 'table: show allowed events too (by default only the others, and a count)')
    .addOption(new Option('--verdict <verdicts>', `only these verdicts (${VERDICTS.join(', ')}; comma-separated, repeatable)`).argParser(collect))
    .addOption(new Option('--rule <ids>', 'only findings of these rules (comma-separated, repeatable)').argParser(collect))
    .addOption(new Option('--account <ids>', 'only these accounts (comma-separated, repeatable)').argParser(collect))
    .option('--since <time>', 'only events at or after: ISO 8601 time or relative (30m, 24h, 7d, 2w)')
    .option('--until <time>', 'only events at or before: ISO 8601 time or relative')
    .option('--fail-on-violation', 'exit 1 when a violation was found')
    .option('--keep-going', 'warn about an input that is not CloudTrail and read on (default: stop, exit 2)')
    .addHelpText('after', `\n${EXIT_CODES}`)
    .action(async (inputs: string[], options) => exitWith(await replayCommand({ ...options, paths: inputs })));

  program
    .command('plan')
    .description('replay, then print for each violation every write the guard would make: documents, tags, effects')
    .argument('<inputs...>', INPUTS)
    .addOption(policyOption())
    .addOption(new Option('--format <format>', 'output format').choices(['json']).default('json'))
    .option('--output <file>', 'write to this file instead of standard output')
    .option('--since <time>', 'only events at or after: ISO 8601 time or relative (30m, 24h, 7d, 2w)')
    .option('--until <time>', 'only events at or before: ISO 8601 time or relative')
    .option('--keep-going', 'warn about an input that is not CloudTrail and read on (default: stop, exit 2)')
    .action(async (inputs: string[], options) => exitWith(await planCommand({ ...options, paths: inputs })));

  program
    .command('check')
    .description('validate the policy; print a one-line verdict, or the compiled EventBridge patterns with --format json')
    .addOption(policyOption())
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--coverage', 'what the policy does when an agent performs each technique of the Stratus Red Team catalogue (with --format json: as JSON)')
    .option('--volume', 'forwarded events, guard invocations, DynamoDB requests and monthly cost for an organization profile')
    .option('--profile <file>', 'with --volume: the organization profile (JSON or YAML; default: the shipped 500-account profile)')
    .option('--profile-from <inputs...>', 'with --volume: derive the profile by counting CloudTrail files or folders (a day of the organization trail)')
    .action(async (options) => exitWith(await checkCommand(options)));

  program
    .command('test')
    .description('run policy tests as data: YAML or JSON files of events with the expected verdict, rule and response')
    .argument('[paths...]', 'test files or folders (default: policy-tests/)')
    .addOption(policyOption())
    .option('--junit <file>', 'also write a JUnit XML report')
    .addHelpText('after', `\n${EXIT_CODES}`)
    .action(async (paths: string[], options) => exitWith(await testCommand({ ...options, paths })));

  program
    .command('invoke')
    .description('run the real handler in-process against the AWS endpoint the environment names')
    .addArgument(new Command().createArgument('<handler>', 'guard, override or heartbeat').choices(['guard', 'override', 'heartbeat']))
    .argument('<event-file>', 'the event or override payload, as JSON ({} for the heartbeat)')
    .action(async (handler: 'guard' | 'override' | 'heartbeat', file: string) => exitWith(await invokeCommand(handler, file)));

  const compile = program.command('compile').description('compile the policy into preventive IAM documents: SCPs, a trust policy statement, a permission boundary');
  const modeOption = () => new Option('--mode <mode>', 'the mode to compile for, overriding the policy file (as the deployment context does)').choices(['monitor', 'enforce']);
  compile
    .command('scp')
    .description('the SCPs denying every prevent: true rule\'s actions to agent sessions IAM can recognise')
    .addOption(policyOption())
    .addOption(modeOption())
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (options) => exitWith(await compileScpCommand(options)));
  compile
    .command('trust')
    .description('the trust policy statements that let a caller assume a role only with the agent\'s session tags and source identity')
    .requiredOption('--agent-caller <arn>', 'the IAM role or user the agent runner assumes roles from')
    .addOption(policyOption())
    .action(async (options) => exitWith(await compileTrustCommand(options)));
  compile
    .command('boundary')
    .description('a permission boundary for roles that exist only for agents: never the prevent rules\' actions')
    .addOption(policyOption())
    .addOption(new Option('--format <format>', 'output format (the boundary is a JSON document)').choices(['json']).default('json'))
    .action(async (options) => exitWith(await compileBoundaryCommand(options)));

  program
    .command('preflight')
    .description('read-only checks of the organization before deploying (SCP slots, StackSets access, organization trail, regions), with the caller\'s credentials')
    .option('--context <file>', 'the CDK context file holding agentGuardrail', 'cdk.json')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (options) => exitWith(await preflightCommand(options)));

  program
    .command('demo')
    .description('replay the bundled scenarios and explain what the guardrail would do')
    .action(async () => exitWith(await demoCommand()));

  // `help compile scp` names a command at any depth (commander's own help command reads one level only).
  program.helpCommand(false);
  program
    .command('help')
    .description('print the help of a command, at any depth: help compile scp')
    .argument('[command...]', 'the command, and its subcommand')
    .action((path: string[]) => {
      let command: Command = program;
      for (const name of path) {
        const next = command.commands.find((c) => c.name() === name || c.aliases().includes(name));
        if (!next) throw new UsageError(`help: no command "${path.join(' ')}"; the commands are ${command.commands.map((c) => c.name()).join(', ')}`);
        command = next;
      }
      command.outputHelp();
    });

  return program;
}

function describe(error: unknown): string {
  if (isGuardrailError(error)) return error.message;
  return `unexpected error: ${error instanceof Error ? error.stack ?? error.message : String(error)}`;
}

buildProgram()
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    if (error instanceof CommanderError) {
      // Help and version asked for exit 0; help shown because no command was given, and usage errors, exit 2.
      process.exitCode = error.exitCode === 0 ? 0 : 2;
      return;
    }
    process.stderr.write(`agent-guardrail: ${describe(error)}\n`);
    process.exitCode = isGuardrailError(error) ? 2 : 70;
  });
