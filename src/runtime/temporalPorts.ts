/**
 * The reconciler's questions to Temporal, answered with a client: the services get these functions, never the
 * client itself.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { SignalRevoke, WorkflowStates } from '../services/reconcile';
import { revokeSignal } from '../workflows/definitions';

/** Whether a grant's workflow runs, as Temporal says; any trouble reaching Temporal is UNKNOWN. */
export function workflowStateFrom(client: Client): WorkflowStates {
  return async (workflowId) => {
    try {
      const description = await client.workflow.getHandle(workflowId).describe();
      return description.status.name === 'RUNNING' ? 'RUNNING' : 'NOT_RUNNING';
    } catch (error) {
      return error instanceof WorkflowNotFoundError ? 'NOT_RUNNING' : 'UNKNOWN';
    }
  };
}

/** Sends a grant's workflow the `revoke` signal, as an operator would. */
export function signalRevokeFrom(client: Client): SignalRevoke {
  return async (workflowId, revocation) => {
    await client.workflow.getHandle(workflowId).signal(revokeSignal, revocation);
  };
}
