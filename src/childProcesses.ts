/**
 * The servers Keycard starts itself (the embedded Temporal dev server and FerretDB of `npm start`, the demo's moto):
 * each from the tools the project installs into .tools/, in its own process group on 127.0.0.1, polled until ready,
 * stopped with SIGTERM and, if it lingers, SIGKILL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/** The path of a tool `npm run tools` installs; `missing` says what to do when it is not there. */
export function installedTool(name: string, missing: string): string {
  const file = path.join(PROJECT_ROOT, '.tools', 'bin', name);
  if (!existsSync(file)) throw new Error(`${name} is not installed: ${missing}`);
  return file;
}

/** Its own process group: Ctrl-C reaches Keycard, which stops its servers after the worker has drained. */
export function launch(command: string, args: string[], logFile: string): ChildProcess {
  const log = openSync(logFile, 'a');
  return spawn(command, args, { detached: true, stdio: ['ignore', log, log] });
}

/** Polls `ready` (which throws while not ready) for up to 60 s, failing early when the process has exited. */
export async function untilReady(
  child: ChildProcess,
  name: string,
  ready: () => Promise<void>,
  logHint: string,
): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode}; ${logHint}`);
    try {
      await ready();
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`${name} did not become ready within 60 s; ${logHint}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

function listen(port: number): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : port));
    });
  });
}

/** Any free port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return listen(0);
}

/** The standard port when it is free, any free port otherwise. */
export function portOr(preferred: number): Promise<number> {
  return listen(preferred).catch(() => listen(0));
}

/** Kills the process group now; synchronous, so it also works from process.on('exit'). */
export function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid) process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  killGroup(child, 'SIGTERM');
  const killer = setTimeout(() => killGroup(child, 'SIGKILL'), 10_000);
  await exited;
  clearTimeout(killer);
}
