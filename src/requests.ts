/**
 * Starting a grant workflow: the one place that knows the workflow ID scheme, the start options and the
 * search attributes a request begins with. Used by the Slack app, the CLI and the tests.
 */
import { WorkflowIdReusePolicy, type Client, type WorkflowHandle } from '@temporalio/client';
import { grantWorkflowId, targetKey, type AccessRequest } from './domain/grant';
import { searchAttributes } from './workflows/definitions';
import type { prodAccess } from './workflows';

export async function startAccessRequest(
  client: Client,
  taskQueue: string,
  request: AccessRequest,
): Promise<WorkflowHandle<typeof prodAccess>> {
  return client.workflow.start<typeof prodAccess>('prodAccess', {
    taskQueue,
    workflowId: grantWorkflowId(request.requestId),
    // A request id is used once: a retried start never creates a second grant, even after the first ended.
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    args: [request],
    typedSearchAttributes: [
      { key: searchAttributes.state, value: 'pending' },
      { key: searchAttributes.requester, value: request.requester.email },
      { key: searchAttributes.target, value: targetKey(request.target) },
      ...(request.approvedBy ? [{ key: searchAttributes.approver, value: request.approvedBy }] : []),
    ],
  });
}
