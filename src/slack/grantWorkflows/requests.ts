/**
 * Asking for access: find the person in Identity Center (through a workflow), then start the grant workflow.
 */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { startAccessRequest } from '../../requests';
import type { lookupRequester } from '../../workflows';
import { SLACK_SIGNER } from './decisions';
import { ShortMemory, UNKNOWN_EMAIL_TTL_MS } from '../requestLimits';
import type { GrantWorkflows, GrantWorkflowsOptions } from './types';

export function createRequests({
  temporal,
  taskQueue,
  frontDoor,
}: GrantWorkflowsOptions): Pick<GrantWorkflows, 'identityCenterUserFor' | 'start'> {
  // A flood of requests from an email Identity Center does not know starts one lookup a minute, not one each.
  const unknownEmails = new ShortMemory(UNKNOWN_EMAIL_TTL_MS);
  return {
    async identityCenterUserFor(email, requestId) {
      if (unknownEmails.has(email)) return undefined;
      const lookup = await temporal.workflow.execute<typeof lookupRequester>('lookupRequester', {
        taskQueue,
        workflowId: `prod-access-lookup-${requestId}`,
        args: [email],
      });
      if (!lookup.principalId) {
        unknownEmails.remember(email);
        return undefined;
      }
      return { principalId: lookup.principalId, ...(lookup.user ? { user: lookup.user } : {}) };
    },

    async start(request) {
      try {
        await startAccessRequest(temporal, taskQueue, request, { frontDoor, signer: SLACK_SIGNER });
        return 'started';
      } catch (error) {
        if (error instanceof WorkflowExecutionAlreadyStartedError) return 'already_started';
        throw error;
      }
    },
  };
}
