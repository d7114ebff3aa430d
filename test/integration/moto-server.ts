import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import type { TestProject } from 'vitest/node';

/**
 * Vitest global setup: starts a moto server (python3 -m moto.server, a real HTTP emulator of IAM, STS,
 * DynamoDB, SNS, SQS and Organizations) on a free loopback port, hands its address to the tests, and
 * stops it by its pid afterwards. The interpreter is the one scripts/python-tools.mjs finds or installs
 * (the installed moto, else the project's .tools/venv with the pinned version).
 */
let server: ChildProcess | undefined;

declare module 'vitest' {
  export interface ProvidedContext {
    motoEndpoint: string;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const python = execFileSync(process.execPath, ['scripts/python-tools.mjs', '--print'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  server = spawn(python, ['-m', 'moto.server', '-H', '127.0.0.1', '-p', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const endpoint = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('moto server did not start within 30 s')), 30_000);
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Running on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    server!.stdout!.on('data', onData);
    server!.stderr!.on('data', onData);
    server!.once('exit', (code) => reject(new Error(`moto server exited (${code}): ${output.slice(0, 500)}`)));
  });
  // Keep draining its request log so the pipe never fills; MOTO_LOG=file keeps it (tracebacks of its 500s).
  if (process.env.MOTO_LOG) {
    const { createWriteStream } = await import('node:fs');
    const log = createWriteStream(process.env.MOTO_LOG);
    server.stdout!.pipe(log);
    server.stderr!.pipe(log);
  } else {
    server.stdout!.resume();
    server.stderr!.resume();
  }
  project.provide('motoEndpoint', endpoint);
  return () => {
    if (server?.pid) process.kill(server.pid, 'SIGTERM');
  };
}
