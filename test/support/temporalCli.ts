/** The real `temporal` CLI, pointed at the stand's dev server, as an operator (or an attacker with access) runs it. */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { WorkflowHandle } from '@temporalio/client';
import { tempDir, tool } from './processes';
import { stand } from './stand';

const run = promisify(execFile);

/** `temporal workflow <args> --input-file <json>`: the exit status and what it said. */
export async function temporalWithInput(args: string[], input: string): Promise<{ ok: boolean; output: string }> {
  const file = path.join(tempDir('hostile-input'), 'input.json');
  writeFileSync(file, input);
  try {
    const { stdout, stderr } = await run(
      tool('temporal'),
      ['workflow', ...args, '--input-file', file, '--address', stand().devServer.address],
      { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
    );
    return { ok: true, output: stdout + stderr };
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; message: string };
    return { ok: false, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}${failed.message}` };
  }
}

/** Workflow tasks that failed: an input that fails one would stall the grant, so every hostile row wants 0. */
export async function workflowTaskFailures(handle: WorkflowHandle): Promise<number> {
  const { events } = await handle.fetchHistory();
  return (events ?? []).filter((event) => event.workflowTaskFailedEventAttributes).length;
}
