/** The demo's own child processes (moto): each in its own process group, stopped with it, killed if Node exits first. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..', '..');

export function installedTool(name: string): string {
  const file = path.join(PROJECT_ROOT, '.tools', 'bin', name);
  if (!existsSync(file)) throw new Error(`${name} is not installed: run \`npm run tools\` (npm run demo does it)`);
  return file;
}

export interface ChildServer {
  child: ChildProcess;
  stop(): Promise<void>;
}

export function launch(command: string, args: string[], logFile: string): ChildServer {
  const log = openSync(logFile, 'a');
  const child = spawn(command, args, { detached: true, stdio: ['ignore', log, log] });
  const killGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  const onExit = () => killGroup('SIGKILL');
  process.once('exit', onExit);
  return {
    child,
    async stop() {
      process.removeListener('exit', onExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      killGroup('SIGTERM');
      const killer = setTimeout(() => killGroup('SIGKILL'), 5_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

/** Polls `ready` until it holds, failing early when the process has exited. */
export async function waitUntil(server: ChildServer, name: string, ready: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (server.child.exitCode !== null) throw new Error(`${name} exited with code ${server.child.exitCode}`);
    if (await ready().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${name} did not become ready within 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}
