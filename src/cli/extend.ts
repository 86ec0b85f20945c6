/**
 * `keycard extend <request> --duration 1h --reason "…" [--by NAME]`: an operator moves a grant's expiry. The update
 * carries a proof signed with KEYCARD_SIGNING_KEY, which is what makes it count: the same update sent with the
 * `temporal` CLI or the Web UI is refused, audited and alerted. Exit 0 extended, 1 refused, 2 error.
 */
import { userInfo } from 'node:os';
import { Connection, WorkflowUpdateFailedError, WorkflowNotFoundError, Client } from '@temporalio/client';
import type { Command } from 'commander';
import { loadDotEnv, loadOperatorConfig } from '../config';
import { GRANT_WORKFLOW_ID_PREFIX, grantWorkflowId } from '../domain/grant';
import { signedUpdate } from '../requests';
import { FrontDoorKey } from '../services/frontDoor';
import { temporalConnectionOptions } from '../temporal';
import { extendUpdate, statusQuery } from '../workflows/definitions';
import { printable } from './output';

export function registerExtend(keycard: Command): void {
  keycard
    .command('extend')
    .description("move an active grant's expiry (signed with KEYCARD_SIGNING_KEY; the temporal CLI cannot do this)")
    .argument('<request>', 'the request id, or the workflow id prod-access-<request id>')
    .requiredOption('--duration <duration>', 'how much longer, e.g. 30m or 1h')
    .requiredOption('--reason <reason>', 'why the access must last longer (recorded in the audit trail)')
    .option('--by <name>', 'who is extending, as the audit trail will say', defaultOperator())
    .action(async (request: string, options: { duration: string; reason: string; by: string }) => {
      loadDotEnv();
      const config = loadOperatorConfig();
      const workflowId = request.startsWith(GRANT_WORKFLOW_ID_PREFIX) ? request : grantWorkflowId(request);
      const connection = await Connection.connect(await temporalConnectionOptions(config));
      const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
      try {
        const result = await signedUpdate(
          client.workflow,
          workflowId,
          extendUpdate,
          { by: options.by, duration: options.duration, reason: options.reason },
          { frontDoor: new FrontDoorKey(config.KEYCARD_SIGNING_KEY as string), signer: `cli:${options.by}` },
        );
        process.stdout.write(
          printable(
            result.outcome === 'extended'
              ? `extended ${workflowId} by ${options.duration}: access now ends at ${result.expiresAt}\n`
              : `asked the approvers to extend ${workflowId} by ${options.duration}\n`,
          ),
        );
        process.exitCode = 0;
      } catch (error) {
        if (error instanceof WorkflowUpdateFailedError) {
          process.stderr.write(printable(`keycard: refused: ${error.cause?.message ?? error.message}\n`));
          process.exitCode = 1;
        } else if (error instanceof WorkflowNotFoundError) {
          process.stderr.write(printable(`keycard: ${await whyNotExtendable(client, workflowId)}\n`));
          process.exitCode = 1;
        } else throw error;
      } finally {
        await connection.close();
      }
    });
}

/** A finished workflow takes no updates; its status (queries work after the end) says how it ended. */
async function whyNotExtendable(client: Client, workflowId: string): Promise<string> {
  try {
    const status = await client.workflow.getHandle(workflowId).query(statusQuery);
    return `${workflowId} has ended (${status.state}); there is nothing to extend`;
  } catch {
    return `no grant ${workflowId}`;
  }
}

function defaultOperator(): string {
  try {
    return `ops:${userInfo().username}`;
  } catch {
    return 'ops';
  }
}
