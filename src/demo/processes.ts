/** The demo's own child processes (moto): started like the embedded servers, stopped with it, killed if Node exits first. */
import type { ChildProcess } from 'node:child_process';
import { installedTool as tool, killGroup, launch as launchChild, stopChild, untilReady } from '../childProcesses';

export { freePort, PROJECT_ROOT } from '../childProcesses';

export function installedTool(name: string): string {
  return tool(name, 'run `npm run tools` (npm run demo does it)');
}

export interface ChildServer {
  child: ChildProcess;
  stop(): Promise<void>;
}

export function launch(command: string, args: string[], logFile: string): ChildServer {
  const child = launchChild(command, args, logFile);
  const onExit = () => killGroup(child, 'SIGKILL');
  process.once('exit', onExit);
  return {
    child,
    async stop() {
      process.removeListener('exit', onExit);
      await stopChild(child);
    },
  };
}

/** Polls `ready` until it holds, failing early when the process has exited. */
export function waitUntil(server: ChildServer, name: string, ready: () => Promise<boolean>): Promise<void> {
  return untilReady(
    server.child,
    name,
    async () => {
      if (!(await ready())) throw new Error(`${name} is not ready yet`);
    },
    'see its log in the demo directory',
  );
}
