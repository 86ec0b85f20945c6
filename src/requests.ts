/**
 * Starting a grant workflow: the one place that knows the workflow ID scheme, the start options and the
 * search attributes a request begins with. Used by the Slack app, the CLI and the tests.
 */
import { WorkflowIdReusePolicy, type Client, type WorkflowClient, type WorkflowHandle } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import {
  DEFAULT_GRANT_DURATION,
  grantWorkflowId,
  publishedTargetKey,
  type AccessRequest,
  type Decision,
  type Extension,
  type ProofAction,
} from './domain/grant';
import { withoutProof } from './domain/proof';
import type { FrontDoorKey } from './services/frontDoor';
import { searchAttributes } from './workflows/definitions';
import type { prodAccess } from './workflows';

/**
 * The Web UI's one-line summary: "Prod access: alice@example.com → ps-1234 @ 123456789012", or for a catalog target
 * "Prod access: alice@example.com → Production admin (prod-admin) in payments-prod, checkout-prod".
 */
export function grantSummary(request: AccessRequest): string {
  const catalogTarget = request.catalogTarget;
  if (catalogTarget) {
    const accounts = catalogTarget.accounts.map((account) => account.name).join(', ');
    return `Prod access: ${request.requester.email} → ${catalogTarget.name} (${catalogTarget.key}) in ${accounts}`;
  }
  const permissionSet = request.target.permissionSetArn.split('/').pop();
  return `Prod access: ${request.requester.email} → ${permissionSet} @ ${request.target.accountId}`;
}

function targetDetail(request: AccessRequest): string {
  const catalogTarget = request.catalogTarget;
  if (!catalogTarget) return `${request.target.permissionSetArn} in account ${request.target.accountId}`;
  const accounts = catalogTarget.accounts.map((account) => `${account.name} (${account.id})`).join(', ');
  return `${catalogTarget.name} (${catalogTarget.key}): ${catalogTarget.permissionSetArn} in ${accounts}`;
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
    `**Target:** ${targetDetail(request)}`,
  ].join('\n\n');
}

/** Who signs a request: Keycard's front door key, and its name in the proof ('slack', 'cli:<operator>'). */
export interface RequestSigner {
  frontDoor: FrontDoorKey;
  signer: string;
  /** The signer's clock (a time-skipping test server's, in tests); now by default. */
  now?: () => Date | Promise<Date>;
}

/** Starts the grant workflow with the request signed by the front door: the worker acts on nothing else. */
export async function startAccessRequest(
  client: Client,
  taskQueue: string,
  unsigned: AccessRequest,
  { frontDoor, signer, now = () => new Date() }: RequestSigner,
): Promise<WorkflowHandle<typeof prodAccess>> {
  const workflowId = grantWorkflowId(unsigned.requestId);
  const payload = withoutProof(unsigned);
  const request = {
    ...payload,
    proof: frontDoor.sign({ action: 'request', workflowId, payload }, signer, await now()),
  };
  return client.workflow.start<typeof prodAccess>('prodAccess', {
    taskQueue,
    workflowId,
    // A request id is used once: a retried start never creates a second grant, even after the first ended.
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    args: [request],
    staticSummary: grantSummary(request),
    staticDetails: grantDetails(request),
    typedSearchAttributes: [
      { key: searchAttributes.state, value: 'pending' },
      { key: searchAttributes.requester, value: request.requester.email },
      { key: searchAttributes.target, value: publishedTargetKey(request) },
      ...(request.approvedBy ? [{ key: searchAttributes.approver, value: request.approvedBy }] : []),
    ],
  });
}

/**
 * Sends a decision or an extension signed by the front door for the grant's current run (a proof names the run, so
 * one seen in a history cannot be replayed into another run of the same workflow). Resolves with the update's result;
 * rejects as executeUpdate does (WorkflowUpdateFailedError with the workflow's refusal, WorkflowNotFoundError).
 */
export async function signedUpdate<Result, Input extends Decision | Extension>(
  client: WorkflowClient,
  workflowId: string,
  update: UpdateDefinition<Result, [Input]>,
  input: Input,
  { frontDoor, signer, now = () => new Date() }: RequestSigner,
): Promise<Result> {
  const { runId } = await client.getHandle(workflowId).describe();
  const payload = withoutProof(input);
  const action = update.name as ProofAction;
  const proof = frontDoor.sign({ action, workflowId, runId, payload }, signer, await now());
  return client.getHandle(workflowId, runId).executeUpdate(update, { args: [{ ...payload, proof } as Input] });
}
