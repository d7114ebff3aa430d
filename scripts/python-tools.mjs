// moto (the AWS emulator the integration tests run against) and cfn-lint (the template linter) are Python
// tools. Use the ones already installed when they import; otherwise make a project-local virtual
// environment in .tools/venv with the pinned versions below. Run by `npm test` before vitest, and imported
// by the test setup to find the interpreter. Fails loudly, naming what is missing: no test skips.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PINNED = ['moto[server]==5.2.1', 'cfn-lint==1.51.0'];
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const VENV = join(ROOT, '.tools', 'venv');
const venvBin = (name) => join(VENV, process.platform === 'win32' ? 'Scripts' : 'bin', name);

const works = (command, args) => spawnSync(command, args, { stdio: 'ignore' }).status === 0;
const hasTools = (python) => works(python, ['-c', 'import moto.server, cfnlint']);

function systemPython() {
  for (const candidate of ['python3', 'python']) if (works(candidate, ['--version'])) return candidate;
  return null;
}

/** The interpreter that has moto and cfn-lint: the installed one, else the project's virtual environment. */
export function findPythonTools() {
  if (existsSync(venvBin('python')) && hasTools(venvBin('python'))) return { python: venvBin('python'), source: '.tools/venv' };
  const python = systemPython();
  if (python && hasTools(python)) return { python, source: 'installed' };
  return null;
}

/** Finds the tools, or installs them into .tools/venv. Throws with what to do when that cannot work. */
export function ensurePythonTools({ log = (line) => process.stderr.write(`${line}\n`) } = {}) {
  const found = findPythonTools();
  if (found) return found;
  const python = systemPython();
  if (!python) throw new Error('Python 3 is required (moto and cfn-lint run on it): install python3 and run npm test again');
  log(`installing ${PINNED.join(', ')} into .tools/venv (once)`);
  mkdirSync(join(ROOT, '.tools'), { recursive: true });
  execFileSync(python, ['-m', 'venv', VENV], { stdio: 'inherit' });
  execFileSync(venvBin('python'), ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', ...PINNED], { stdio: 'inherit' });
  if (!hasTools(venvBin('python'))) throw new Error(`.tools/venv was made but cannot import moto and cfnlint; remove .tools and try again`);
  return { python: venvBin('python'), source: '.tools/venv' };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    const tools = ensurePythonTools();
    if (process.argv.includes('--print')) process.stdout.write(`${tools.python}\n`);
  } catch (error) {
    process.stderr.write(`python tools: ${error.message}\n`);
    process.exit(1);
  }
}
