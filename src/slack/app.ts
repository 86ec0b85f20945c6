/**
 * The Slack front door (Bolt). It receives people and changes state only by starting, updating, signalling and
 * querying workflows: it never calls AWS or writes MongoDB. Every listener acks first and does one thing.
 */
import { App, LogLevel, type BlockAction, type ButtonAction, type Logger as BoltLogger } from '@slack/bolt';
import {
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
  type WorkflowExecutionInfo,
} from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { createHash } from 'node:crypto';
import type { Config } from '../config';
import { formatDuration } from '../domain/duration';
import { GRANT_WORKFLOW_ID_PREFIX, targetKey, type AccessRequest, type GrantState, type Target } from '../domain/grant';
import { parseRequestText, readReason, readRequestedDuration } from '../domain/requestText';
import type { Logger } from '../logger';
import { startAccessRequest } from '../requests';
import {
  approveUpdate,
  denyUpdate,
  extendUpdate,
  revokeSignal,
  searchAttributes,
  statusQuery,
} from '../workflows/definitions';
import type { lookupRequester } from '../workflows';
import {
  ACTIONS,
  DENY_MODAL,
  denyModal,
  EXTENSION_MODAL,
  extensionModal,
  grantHistoryMessage,
  homeView,
  liveGrantsMessage,
  outcomeLine,
  type GrantListing,
  type SlackMessage,
} from './messages';
import { channelLink } from './text';

export type SlackAppConfig = Pick<
  Config,
  | 'SLACK_BOT_TOKEN'
  | 'SLACK_SIGNING_SECRET'
  | 'SLACK_APP_TOKEN'
  | 'SLACK_API_URL'
  | 'APPROVER_CHANNEL'
  | 'APPROVERS'
  | 'PORT'
  | 'REQUEST_TIMEOUT'
  | 'GRANT_TTL'
  | 'MAX_GRANT_DURATION'
  | 'MAX_TOTAL_GRANT_DURATION'
  | 'EXPIRY_WARNING'
  | 'TEMPORAL_TASK_QUEUE'
  | 'TARGET_ACCOUNT_ID'
  | 'PERMISSION_SET_ARN'
>;

export interface SlackAppOptions {
  config: SlackAppConfig;
  temporal: Client;
  logger: Logger;
  /** Socket Mode when SLACK_APP_TOKEN is set and this is not false; HTTP mode otherwise. */
  socketMode?: boolean;
}

/** A retried delivery of the same slash command carries the same trigger id, so it maps to the same request. */
export function requestIdFor(teamId: string, triggerId: string): string {
  return createHash('sha256').update(`${teamId}:${triggerId}`).digest('hex').slice(0, 24);
}

export function createSlackApp({ config, temporal, logger, socketMode }: SlackAppOptions): App {
  const useSocketMode = socketMode ?? Boolean(config.SLACK_APP_TOKEN);
  const clientOptions = {
    ...(config.SLACK_API_URL ? { slackApiUrl: config.SLACK_API_URL } : {}),
    retryConfig: { retries: 2 },
  };
  const app = new App({
    token: config.SLACK_BOT_TOKEN,
    logger: boltLogger(logger),
    clientOptions,
    ...(useSocketMode
      ? { socketMode: true, appToken: config.SLACK_APP_TOKEN, installerOptions: { clientOptions } }
      : { signingSecret: config.SLACK_SIGNING_SECRET, endpoints: '/slack/events', port: config.PORT }),
  });
  const taskQueue = config.TEMPORAL_TASK_QUEUE;
  const approverChannel = config.APPROVER_CHANNEL as string;

  app.command('/prod-access', async ({ command, ack, respond, client }) => {
    const word = command.text.trim().toLowerCase();
    if (word === 'who' || word === 'history') {
      await ack();
      const message = await (word === 'who' ? whoHolds(client, command.user_id) : historyOf(client, command.user_id));
      await respond({
        response_type: 'ephemeral',
        text: message.text,
        ...(message.blocks.length ? { blocks: message.blocks } : {}),
      });
      return;
    }
    const parsed = parseRequestText(command.text, {
      defaultDurationMs: config.GRANT_TTL,
      maxDurationMs: config.MAX_GRANT_DURATION,
    });
    if (!parsed.ok) {
      await ack({ response_type: 'ephemeral', text: parsed.message });
      return;
    }
    await ack({ response_type: 'ephemeral', text: 'Checking your Identity Center account…' });

    const requestId = requestIdFor(command.team_id, command.trigger_id);
    const email = await requesterEmail(client, command.user_id);
    if (!email.ok) {
      await respond({ response_type: 'ephemeral', text: email.message });
      return;
    }
    const target = { accountId: config.TARGET_ACCOUNT_ID, permissionSetArn: config.PERMISSION_SET_ARN };
    const existing = await existingLease(email.email, target);
    if (existing?.state === 'pending') {
      await respond({
        response_type: 'ephemeral',
        text: `You already have a request for this access waiting for an approver in ${channelLink(approverChannel)}. Nothing new was requested.`,
      });
      return;
    }
    if (existing?.state === 'active') {
      // Grants are leases: a second grant would share the assignment, so it becomes an extension of the live one.
      const refusal = await decide(existing.workflowId, () =>
        temporal.workflow.getHandle(existing.workflowId).executeUpdate(extendUpdate, {
          args: [{ by: command.user_id, duration: formatDuration(parsed.durationMs), reason: parsed.reason }],
        }),
      );
      await respond({
        response_type: 'ephemeral',
        text: refusal
          ? `You already have this access. Keycard could not ask for more: ${refusal}`
          : `You already have this access; your request went to the approvers in ${channelLink(approverChannel)} as an extension of ${formatDuration(parsed.durationMs)}.`,
      });
      return;
    }
    const lookup = await temporal.workflow.execute<typeof lookupRequester>('lookupRequester', {
      taskQueue,
      workflowId: `prod-access-lookup-${requestId}`,
      args: [email.email],
    });
    if (!lookup.principalId) {
      await respond({
        response_type: 'ephemeral',
        text: `Your Slack email ${email.email} matches no user in AWS IAM Identity Center, so Keycard cannot grant you access. Ask an Identity Center admin to add that email to your user. Nothing was requested.`,
      });
      return;
    }
    const request: AccessRequest = {
      requestId,
      requester: { slackUserId: command.user_id, email: email.email },
      reason: parsed.reason,
      target,
      duration: formatDuration(parsed.durationMs),
      requestedAt: new Date().toISOString(),
      principalId: lookup.principalId,
      slack: {
        approverChannel,
        approvers: config.APPROVERS as string[],
        requestTimeout: formatDuration(config.REQUEST_TIMEOUT),
      },
      limits: {
        maxTotalDuration: formatDuration(config.MAX_TOTAL_GRANT_DURATION),
        expiryWarning: formatDuration(config.EXPIRY_WARNING),
      },
    };
    try {
      await startAccessRequest(temporal, taskQueue, request);
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) return; // a retried delivery: already asked
      throw error;
    }
    await respond({
      response_type: 'ephemeral',
      text: `Your request for ${formatDuration(parsed.durationMs)} of production access is waiting for an approver in ${channelLink(approverChannel)}. You will get a DM when it is decided.`,
    });
  });

  app.action<BlockAction<ButtonAction>>(ACTIONS.approve, async ({ ack, body, action, respond }) => {
    await ack();
    const workflowId = grantWorkflowIdFrom(action.value);
    const refusal = await decide(workflowId, () =>
      temporal.workflow.getHandle(workflowId).executeUpdate(approveUpdate, { args: [{ by: body.user.id }] }),
    );
    if (refusal) await respond({ response_type: 'ephemeral', replace_original: false, text: refusal });
  });

  app.action<BlockAction<ButtonAction>>(ACTIONS.deny, async ({ ack, body, action, client }) => {
    await ack();
    await client.views.open({ trigger_id: body.trigger_id, view: denyModal(grantWorkflowIdFrom(action.value)) });
  });

  app.view(DENY_MODAL.callbackId, async ({ ack, body, view }) => {
    const workflowId = grantWorkflowIdFrom(view.private_metadata);
    const reason = readReason(
      view.state.values[DENY_MODAL.block]?.[DENY_MODAL.action]?.value,
      'Say why you deny the request.',
    );
    if (!reason.ok) {
      await ack({ response_action: 'errors', errors: { [DENY_MODAL.block]: reason.message } });
      return;
    }
    const refusal = await decide(workflowId, () =>
      temporal.workflow
        .getHandle(workflowId)
        .executeUpdate(denyUpdate, { args: [{ by: body.user.id, reason: reason.reason }] }),
    );
    if (refusal) await ack({ response_action: 'errors', errors: { [DENY_MODAL.block]: refusal } });
    else await ack();
  });

  app.action<BlockAction<ButtonAction>>(ACTIONS.requestExtension, async ({ ack, body, action, client }) => {
    await ack();
    await client.views.open({
      trigger_id: body.trigger_id,
      view: extensionModal(grantWorkflowIdFrom(action.value)),
    });
  });

  app.view(EXTENSION_MODAL.callbackId, async ({ ack, body, view }) => {
    const workflowId = grantWorkflowIdFrom(view.private_metadata);
    const values = view.state.values;
    // No extension can make a grant last longer than MAX_TOTAL_GRANT_DURATION; the workflow checks the exact sum.
    const duration = readRequestedDuration(
      values[EXTENSION_MODAL.durationBlock]?.[EXTENSION_MODAL.durationAction]?.value,
      config.MAX_TOTAL_GRANT_DURATION,
    );
    if (!duration.ok) {
      await ack({ response_action: 'errors', errors: { [EXTENSION_MODAL.durationBlock]: duration.message } });
      return;
    }
    const reason = readReason(
      values[EXTENSION_MODAL.reasonBlock]?.[EXTENSION_MODAL.reasonAction]?.value,
      'Say why the access must last longer.',
    );
    if (!reason.ok) {
      await ack({ response_action: 'errors', errors: { [EXTENSION_MODAL.reasonBlock]: reason.message } });
      return;
    }
    const extension = { by: body.user.id, duration: formatDuration(duration.durationMs), reason: reason.reason };
    const refusal = await decide(workflowId, () =>
      temporal.workflow.getHandle(workflowId).executeUpdate(extendUpdate, { args: [extension] }),
    );
    if (refusal) await ack({ response_action: 'errors', errors: { [EXTENSION_MODAL.reasonBlock]: refusal } });
    else await ack();
  });

  app.action<BlockAction<ButtonAction>>(ACTIONS.revoke, async ({ ack, body, action, respond, client }) => {
    await ack();
    const workflowId = grantWorkflowIdFrom(action.value);
    const refusal = await revokeFromSlack(workflowId, body.user.id);
    if (!refusal) return;
    // Buttons in messages answer in place; the App Home has no response_url, so the answer goes by DM.
    if (body.response_url) await respond({ response_type: 'ephemeral', replace_original: false, text: refusal });
    else {
      const { channel } = await client.conversations.open({ users: body.user.id });
      await client.chat.postMessage({ channel: channel?.id as string, text: refusal });
    }
  });

  app.event('app_home_opened', async ({ event, client }) => {
    if (event.tab !== 'home') return;
    const email = await requesterEmail(client, event.user);
    const live = email.ok ? await liveGrantsOf(email.email) : [];
    await client.views.publish({ user_id: event.user, view: homeView(live, approverChannel) });
  });

  app.error(async (error) => {
    logger.error({ err: error }, 'a Slack listener failed');
  });

  /** Runs an approve/deny update; returns the refusal to show the clicker, or nothing when it was accepted. */
  async function decide(workflowId: string, update: () => Promise<unknown>): Promise<string | undefined> {
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

  /** A pending or active grant of this person on this target, from Temporal's visibility (search attributes). */
  async function existingLease(
    email: string,
    target: Target,
  ): Promise<{ workflowId: string; state: string } | undefined> {
    const query =
      `ProdAccessRequester=${JSON.stringify(email)} AND ProdAccessTarget=${JSON.stringify(targetKey(target))}` +
      ` AND ProdAccessState IN ("pending", "active") AND ExecutionStatus="Running"`;
    for await (const execution of temporal.workflow.list({ query })) {
      const state = execution.typedSearchAttributes.get(searchAttributes.state);
      if (state === 'pending' || state === 'active') return { workflowId: execution.workflowId, state };
    }
    return undefined;
  }

  /** The user's live grants, from Temporal's visibility (search attributes), newest first. */
  async function liveGrantsOf(email: string): Promise<{ workflowId: string; expiresAt?: Date; target?: string }[]> {
    const query = `ProdAccessRequester=${JSON.stringify(email)} AND ProdAccessState="active"`;
    const grants: { workflowId: string; expiresAt?: Date; target?: string }[] = [];
    for await (const execution of temporal.workflow.list({ query })) {
      grants.push({
        workflowId: execution.workflowId,
        expiresAt: execution.typedSearchAttributes.get(searchAttributes.expiresAt),
        target: execution.typedSearchAttributes.get(searchAttributes.target),
      });
      if (grants.length >= 20) break;
    }
    return grants;
  }

  /** `/prod-access who`: every live grant, for approvers only (they decide them; others see only their own). */
  async function whoHolds(client: App['client'], userId: string): Promise<SlackMessage> {
    try {
      if (!(await isApprover(client, userId))) {
        return {
          text: 'Only Keycard approvers can see who holds production access. `/prod-access history` shows your own grants.',
          blocks: [],
        };
      }
      return liveGrantsMessage(await grantListings('ProdAccessState="active"', 100));
    } catch (error) {
      logger.error({ err: error }, 'could not list the live grants');
      return { text: 'Keycard could not read the live grants just now. Try again in a minute.', blocks: [] };
    }
  }

  /** `/prod-access history`: the requester's own last ten requests, newest first. */
  async function historyOf(client: App['client'], userId: string): Promise<SlackMessage> {
    const email = await requesterEmail(client, userId);
    if (!email.ok) return { text: email.message.replace(' Nothing was requested.', ''), blocks: [] };
    try {
      return grantHistoryMessage(await grantListings(`ProdAccessRequester=${JSON.stringify(email.email)}`, 10));
    } catch (error) {
      logger.error({ err: error }, 'could not list a requester’s grants');
      return { text: 'Keycard could not read your grants just now. Try again in a minute.', blocks: [] };
    }
  }

  /** APPROVERS, with user groups expanded now (membership changes between requests). */
  async function isApprover(client: App['client'], userId: string): Promise<boolean> {
    const approvers = config.APPROVERS ?? [];
    if (approvers.includes(userId)) return true;
    for (const group of approvers.filter((id) => id.startsWith('S'))) {
      const { users } = await client.usergroups.users.list({ usergroup: group });
      if (users?.includes(userId)) return true;
    }
    return false;
  }

  /**
   * Grants matching a visibility query, newest first, each filled in from its `status` query (reason, approver,
   * times); a grant whose status cannot be read in time is shown with what its search attributes say.
   */
  async function grantListings(query: string, limit: number): Promise<GrantListing[]> {
    const executions: WorkflowExecutionInfo[] = [];
    for await (const execution of temporal.workflow.list({ query })) {
      executions.push(execution);
      if (executions.length >= 5 * limit) break;
    }
    const newest = executions.sort((a, b) => b.startTime.getTime() - a.startTime.getTime()).slice(0, limit);
    return Promise.all(newest.map(listing));
  }

  async function listing(execution: WorkflowExecutionInfo): Promise<GrantListing> {
    const attributes = execution.typedSearchAttributes;
    const base: GrantListing = {
      workflowId: execution.workflowId,
      state: attributes.get(searchAttributes.state) ?? 'unknown',
      running: execution.status.name === 'RUNNING',
      requesterEmail: attributes.get(searchAttributes.requester),
      target: attributes.get(searchAttributes.target),
      approver: attributes.get(searchAttributes.approver),
      requestedAt: execution.startTime,
      expiresAt: attributes.get(searchAttributes.expiresAt),
    };
    let timer: NodeJS.Timeout | undefined;
    try {
      const status = await Promise.race([
        temporal.workflow.getHandle(execution.workflowId).query(statusQuery),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('status query timed out')), 5_000);
        }),
      ]);
      return {
        ...base,
        state: status.state,
        requesterEmail: status.requester.email,
        requesterSlackId: status.requester.slackUserId,
        target: targetKey(status.target),
        reason: status.reason,
        approver: status.approvedBy ?? base.approver,
        grantedAt: status.grantedAt,
        expiresAt: status.expiresAt ?? base.expiresAt,
        endedAt: status.revokedAt,
      };
    } catch {
      return base;
    } finally {
      clearTimeout(timer);
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

  /**
   * The requester and the approvers may end access early; the workflow records who and why. Ending access is always
   * safe, so, like the `revoke` signal, it is taken whenever access exists or may still come to exist: while the
   * request waits (it is withdrawn), while it is being granted (removed once Identity Center confirms it), and while
   * it is active. Only an ended request has nothing left to revoke.
   */
  async function revokeFromSlack(workflowId: string, userId: string): Promise<string | undefined> {
    if (!workflowId) return 'This button does not belong to a Keycard grant.';
    const handle = temporal.workflow.getHandle(workflowId);
    try {
      const status = await handle.query(statusQuery);
      const allowed = status.requester.slackUserId === userId || (status.approvers ?? []).includes(userId);
      if (!allowed) return 'Only the requester or an approver can revoke this access.';
      if (ENDED_STATES.includes(status.state)) {
        return `This access has already ended (${outcomeLine(status)}); there is nothing left to revoke.`;
      }
      await handle.signal(revokeSignal, { by: userId, reason: 'revoked from Slack' });
      return undefined;
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return 'This grant no longer exists.';
      logger.error({ err: error, workflowId }, 'could not revoke from Slack');
      return 'Keycard could not revoke just now. Try again, or ask an operator to run the CLI revoke.';
    }
  }

  return app;
}

/** A grant in one of these states has nothing left to revoke; pending and active ones always can be. */
const ENDED_STATES: GrantState[] = ['revoked', 'denied', 'expired', 'failed'];

/** Button values carry a workflow id and nothing else; anything else is ignored. */
function grantWorkflowIdFrom(value: string | undefined): string {
  return typeof value === 'string' &&
    /^prod-access-[a-f0-9-]{8,64}$/.test(value) &&
    value.startsWith(GRANT_WORKFLOW_ID_PREFIX)
    ? value
    : '';
}

type EmailResult = { ok: true; email: string } | { ok: false; message: string };

async function requesterEmail(client: App['client'], userId: string): Promise<EmailResult> {
  try {
    const { user } = await client.users.info({ user: userId });
    if (!user || user.deleted || user.is_bot) {
      return { ok: false, message: 'Keycard grants access to active people only.' };
    }
    const email = user.profile?.email;
    if (!email) {
      return {
        ok: false,
        message: 'Keycard cannot read your email from Slack (the app needs users:read.email). Nothing was requested.',
      };
    }
    return { ok: true, email };
  } catch (error) {
    const code = (error as { data?: { error?: string } }).data?.error;
    if (code === 'user_not_found')
      return { ok: false, message: 'Slack does not know your user. Nothing was requested.' };
    throw error;
  }
}

/** Bolt logs through Keycard's logger. */
function boltLogger(logger: Logger): BoltLogger {
  let level = LogLevel.INFO;
  const child = logger.child({ component: 'bolt' });
  return {
    debug: (...messages) => child.debug(messages.map(String).join(' ')),
    info: (...messages) => child.info(messages.map(String).join(' ')),
    warn: (...messages) => child.warn(messages.map(String).join(' ')),
    error: (...messages) => child.error(messages.map(String).join(' ')),
    setLevel: (next) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}
