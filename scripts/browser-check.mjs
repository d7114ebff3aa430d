// Renders the replay HTML report of the bundled scenarios in headless Chromium (Debian's `chromium`
// package, driven by playwright-core) and fails on any console error, page error or blocked request,
// then takes a screenshot. `npm run test:browser`; `.ci/run` installs chromium when it is missing.
// CHROMIUM_PATH overrides where the browser is looked for.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium } from 'playwright-core';

const report = resolve('dist/report.html');
const screenshot = resolve(process.argv[2] ?? 'dist/report.png');
const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].filter(Boolean);
const executablePath = candidates.find((path) => existsSync(path));
if (!executablePath) {
  console.error(`browser check: no Chromium at ${candidates.join(', ')}; install Debian's chromium package (apt-get install chromium) or set CHROMIUM_PATH`);
  process.exit(1);
}

mkdirSync('dist', { recursive: true });
execFileSync(process.execPath, ['dist/cli/agent-guardrail.mjs', 'replay', '--format', 'html', '--output', report, 'events/scenarios'], { stdio: 'inherit' });

const browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
const problems = [];
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()}`));
  await page.goto(`file://${report}`, { waitUntil: 'load' });
  const title = await page.title();
  const violations = await page.locator('details').count();
  const dots = await page.locator('svg circle').count();
  if (title !== 'agent-guardrail replay report') problems.push(`title is "${title}"`);
  if (violations !== 8) problems.push(`${violations} violations rendered, 8 expected`);
  if (dots === 0) problems.push('no timeline drawn');
  await page.screenshot({ path: screenshot, fullPage: false });
  console.log(JSON.stringify({ browser: executablePath, title, violations, timelineDots: dots, screenshot, problems: problems.length }));
} finally {
  await browser.close();
}
if (problems.length > 0) {
  for (const problem of problems) console.error(`browser check: ${problem}`);
  process.exit(1);
}
