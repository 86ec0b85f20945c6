/**
 * Asking for access: find the person in Identity Center (through a workflow), then start the grant workflow.
 */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { startAccessRequest } from '../../requests';
import type { lookupRequester } from '../../workflows';
import { SLACK_SIGNER } from './decisions';
import type { GrantWorkflows, GrantWorkflowsOptions } from './types';

export function createRequests({
  temporal,
  taskQueue,
  frontDoor,
}: GrantWorkflowsOptions): Pick<GrantWorkflows, 'principalIdFor' | 'start'> {
  return {
    async principalIdFor(email, requestId) {
      const lookup = await temporal.workflow.execute<typeof lookupRequester>('lookupRequester', {
        taskQueue,
        workflowId: `prod-access-lookup-${requestId}`,
        args: [email],
      });
      return lookup.principalId || undefined;
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
