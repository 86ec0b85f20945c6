/**
 * Starting a grant workflow: the one place that knows the workflow ID scheme, the start options and the
 * search attributes a request begins with. Used by the Slack app, the CLI and the tests.
 */
import { WorkflowIdReusePolicy, type Client, type WorkflowHandle } from '@temporalio/client';
import { DEFAULT_GRANT_DURATION, grantWorkflowId, targetKey, type AccessRequest } from './domain/grant';
import { searchAttributes } from './workflows/definitions';
import type { prodAccess } from './workflows';

/** The Web UI's one-line summary: "Prod access: alice@example.com → ps-1234 @ 123456789012". */
export function grantSummary(request: AccessRequest): string {
  const permissionSet = request.target.permissionSetArn.split('/').pop();
  return `Prod access: ${request.requester.email} → ${permissionSet} @ ${request.target.accountId}`;
}

/** The Web UI's details: why, who decides, for how long. */
export function grantDetails(request: AccessRequest): string {
  const approval = request.approvedBy
    ? `approved by ${request.approvedBy} before the request started`
    : request.slack
      ? `decided in Slack channel ${request.slack.approverChannel} by ${request.slack.approvers.join(', ')}`
      : 'none recorded';
  return [
    `**Reason:** ${request.reason}`,
    `**Requester:** ${request.requester.email} (Slack ${request.requester.slackUserId})`,
    `**Approval:** ${approval}`,
    `**Duration:** ${request.duration ?? DEFAULT_GRANT_DURATION}`,
    `**Target:** ${request.target.permissionSetArn} in account ${request.target.accountId}`,
  ].join('\n\n');
}

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
    staticSummary: grantSummary(request),
    staticDetails: grantDetails(request),
    typedSearchAttributes: [
      { key: searchAttributes.state, value: 'pending' },
      { key: searchAttributes.requester, value: request.requester.email },
      { key: searchAttributes.target, value: targetKey(request.target) },
      ...(request.approvedBy ? [{ key: searchAttributes.approver, value: request.approvedBy }] : []),
    ],
  });
}
