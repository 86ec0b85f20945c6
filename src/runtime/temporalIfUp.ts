/** A Temporal client for the commands that must also work while Temporal is down (`keycard reconcile`). */
import { Client, type Connection } from '@temporalio/client';
import type { Config } from '../config';
import { connectClient } from '../temporal';

/** A connected client when Temporal answers within 5 s, otherwise nothing. */
export async function connectTemporalIfUp(
  config: Config,
): Promise<{ connection: Connection; client: Client } | undefined> {
  try {
    const connection = await Promise.race([
      connectClient(config),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), 5_000)),
    ]);
    await connection.workflowService.getSystemInfo({});
    return { connection, client: new Client({ connection, namespace: config.TEMPORAL_NAMESPACE }) };
  } catch {
    return undefined;
  }
}
