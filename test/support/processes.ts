/**
 * Starting and stopping the real servers the tests talk to. Every server binds 127.0.0.1 on a free port, runs in its
 * own process group, and is killed when the run ends: normally, on failure, or on Ctrl-C.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export { freePort } from '../../src/childProcesses';

export const PROJECT_ROOT = path.resolve(__dirname, '../../..');
export const TOOLS_BIN = path.join(PROJECT_ROOT, '.tools', 'bin');

export function tool(name: string): string {
  return path.join(TOOLS_BIN, name);
}

const tempDirs: string[] = [];

/** A temporary directory that is removed when the test process exits. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `keycard-${prefix}-`));
  tempDirs.push(dir);
  installExitHooks();
  return dir;
}

export interface ServerProcess {
  name: string;
  child: ChildProcess;
  logFile: string;
  stop(): Promise<void>;
}

const running = new Set<ServerProcess>();

/** Kills every server still running; synchronous so it also works from process.on('exit'). */
export function killAllNow(): void {
  for (const server of running) {
    try {
      if (server.child.pid) process.kill(-server.child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  running.clear();
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

let exitHooksInstalled = false;
function installExitHooks(): void {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  process.on('exit', killAllNow);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      killAllNow();
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  }
}

export function startProcess(
  name: string,
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): ServerProcess {
  installExitHooks();
  const logFile = path.join(tempDir(`${name}-log`), `${name}.log`);
  const log = createWriteStream(logFile);
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const server: ServerProcess = {
    name,
    child,
    logFile,
    async stop() {
      running.delete(server);
      if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        return;
      }
      const killer = setTimeout(() => {
        try {
          process.kill(-(child.pid as number), 'SIGKILL');
        } catch {
          // gone
        }
      }, 5_000);
      await exited;
      clearTimeout(killer);
    },
  };
  running.add(server);
  child.once('error', (error) => log.write(`spawn error: ${error.message}\n`));
  return server;
}

/** Waits until `check` passes; if the process dies or time runs out, fails with the tail of its log. */
export async function waitUntilReady(
  server: ServerProcess,
  check: () => Promise<boolean>,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (server.child.exitCode !== null) {
      throw new Error(`${server.name} exited with ${server.child.exitCode}:\n${tail(server.logFile)}`);
    }
    try {
      if (await check()) return;
    } catch {
      // not ready yet
    }
    if (Date.now() > deadline) {
      throw new Error(`${server.name} not ready after ${timeoutMs} ms:\n${tail(server.logFile)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export async function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.connect(port, '127.0.0.1');
  });
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-30).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * A free port found now can be taken by another server before ours binds it (servers start in parallel, and the
 * dev server opens internal ports of its own): start again on new ports when that happens.
 */
export async function retryOnPortClash<T>(start: () => Promise<T>, attempts = 4): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (error) {
      const clash = error instanceof Error && /address already in use|EADDRINUSE/i.test(error.message);
      if (!clash || attempt >= attempts) throw error;
    }
  }
}
