/**
 * Decisions on a grant (approve, deny, extend) and the early revoke, each answered with the refusal to show the
 * person, or nothing when the workflow took it.
 */
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { GrantState } from '../../domain/grant';
import { signedUpdate } from '../../requests';
import { mayRevoke } from '../../domain/policy';
import { outcomeLine } from '../../views';
import { approveUpdate, denyUpdate, extendUpdate, revokeSignal, statusQuery } from '../../workflows/definitions';
import type { GrantWorkflows, GrantWorkflowsOptions, Refusal } from './types';

/** The Slack app's name in the proofs it signs. */
export const SLACK_SIGNER = 'slack';

/** A grant in one of these states has nothing left to revoke; pending and active ones always can be. */
const ENDED_STATES: GrantState[] = ['revoked', 'denied', 'expired', 'failed'];

export function createDecisions({
  temporal,
  logger,
  frontDoor,
}: GrantWorkflowsOptions): Pick<GrantWorkflows, 'approve' | 'deny' | 'extend' | 'revoke' | 'withdraw'> {
  const signer = { frontDoor, signer: SLACK_SIGNER };
  /** Runs a decision update; the workflow's validator says why it refuses. */
  async function decide(workflowId: string, update: () => Promise<unknown>): Promise<Refusal> {
    if (!workflowId) return 'This button does not belong to a Keycard request.';
    try {
      await update();
      return undefined;
    } catch (error) {
      if (error instanceof WorkflowUpdateFailedError) return error.cause?.message ?? error.message;
      if (error instanceof WorkflowNotFoundError) return whyNotPending(workflowId);
      logger.error({ err: error, workflowId }, 'could not deliver a decision');
      return 'Keycard could not record your decision just now. Try again in a minute.';
    }
  }

  /** A finished workflow takes no updates; its status (queries work after the end) says why. */
  async function whyNotPending(workflowId: string): Promise<string> {
    try {
      const status = await temporal.workflow.getHandle(workflowId).query(statusQuery);
      const by = status.deniedBy ?? status.approvedBy;
      return `This request is no longer pending: ${status.state}${by ? ` (decided by ${by})` : ''}.`;
    } catch {
      return 'This request no longer exists.';
    }
  }

  return {
    approve: (workflowId, decision) =>
      decide(workflowId, () => signedUpdate(temporal.workflow, workflowId, approveUpdate, decision, signer)),

    deny: (workflowId, decision) =>
      decide(workflowId, () => signedUpdate(temporal.workflow, workflowId, denyUpdate, decision, signer)),

    extend: (workflowId, extension) =>
      decide(workflowId, () => signedUpdate(temporal.workflow, workflowId, extendUpdate, extension, signer)),

    /**
     * The requester and the approvers may end access early; the workflow records who and why. Ending access is
     * always safe, so, like the `revoke` signal, it is taken whenever access exists or may still come to exist: while
     * the request waits (it is withdrawn), while it is being granted (removed once Identity Center confirms it), and
     * while it is active. Only an ended request has nothing left to revoke.
     */
    async revoke(workflowId, by) {
      if (!workflowId) return 'This button does not belong to a Keycard grant.';
      const handle = temporal.workflow.getHandle(workflowId);
      try {
        const status = await handle.query(statusQuery);
        const allowed = mayRevoke({ actor: by, requester: status.requester, approvers: status.approvers });
        if (!allowed.allowed) return allowed.message;
        if (ENDED_STATES.includes(status.state)) {
          return `This access has already ended (${outcomeLine(status)}); there is nothing left to revoke.`;
        }
        await handle.signal(revokeSignal, { by, reason: 'revoked from Slack' });
        return undefined;
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) return 'This grant no longer exists.';
        logger.error({ err: error, workflowId }, 'could not revoke from Slack');
        return 'Keycard could not revoke just now. Try again, or ask an operator to run the CLI revoke.';
      }
    },

    /**
     * Cancel request (`/prod-access cancel`, the button on the confirmation): the `revoke` signal, which withdraws a
     * request still pending, sent only for its requester. The check is here, not in the button: anyone can click a
     * button whose value they copied.
     */
    async withdraw(workflowId, by) {
      if (!workflowId) return 'This button does not belong to a Keycard request.';
      const handle = temporal.workflow.getHandle(workflowId);
      try {
        const status = await handle.query(statusQuery);
        if (status.requester.slackUserId !== by) {
          return 'Only the person who asked can cancel this request. Nothing was changed.';
        }
        if (status.state !== 'pending') {
          return `This request is no longer waiting (${outcomeLine(status)}); there is nothing to cancel.`;
        }
        await handle.signal(revokeSignal, { by, reason: 'withdrawn by the requester' });
        return undefined;
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) return 'This request no longer exists.';
        logger.error({ err: error, workflowId }, 'could not withdraw a request from Slack');
        return 'Keycard could not cancel your request just now. Try again in a minute.';
      }
    },
  };
}
