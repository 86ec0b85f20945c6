/** Keycard's Slack side on the stand: a fake Slack, a Slack-enabled worker, and the Bolt app over HTTP. */
import type { App } from '@slack/bolt';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { parseDuration } from '../../src/domain/duration';
import { grantWorkflowId } from '../../src/domain/grant';
import { createLogger } from '../../src/logger';
import { createSlackApp, requestIdFor, type SlackAppConfig } from '../../src/slack/app';
import { ACTIONS } from '../../src/views';
import { buttonValue, FakeSlack, type StoredMessage } from './fakeSlack';
import { TEST_SIGNING_KEY } from './configEnv';
import { FakeSocketMode } from './fakeSocketMode';
import { CapturedLog, eventually, startWorker, TEST_SLACK_BOT_TOKEN, type TestWorker } from './keycard';
import { freePort } from './processes';
import {
  blockActionPayload,
  interactionBody,
  postSigned,
  slashCommandBody,
  viewSubmissionPayload,
  type SignedResponse,
  type SigningOptions,
  type ViewStateValue,
} from './slackRequests';
import { stand, createIdentityStoreUser } from './stand';

export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';
export const APPROVER_CHANNEL = 'C0APPROVERS';
export const APPROVER = 'U0APPROVER';
export const GROUP_APPROVER = 'U0GROUPAPPROVER';
export const APPROVER_GROUP = 'S0APPROVERS';
export const OUTSIDER = 'U0OUTSIDER';

export interface SlackStand {
  slack: FakeSlack;
  worker: TestWorker;
  app: App;
  appLog: CapturedLog;
  eventsUrl: string;
  socket?: FakeSocketMode;
  config: SlackAppConfig;
  /**
   * A correctly signed `/prod-access <text>` from `userId`; what Keycard later sends to the command's response URL is
   * in `slack.responses` under the trigger id. The options forge or replay it (hostile tests).
   */
  slash(userId: string, text: string, options?: SlashOptions): Promise<{ response: SignedResponse; triggerId: string }>;
  /** A correctly signed button click; what Keycard sends to its response URL is under `responseId`. */
  click(
    user: string,
    actionId: string,
    value: string,
    responseId?: string,
  ): Promise<{ response: SignedResponse; responseId: string }>;
  /**
   * A correctly signed modal submission: `values` maps each input's block id to its action id and what was typed.
   * The answer (`response_action: 'errors'` with a message per block, or nothing) is the HTTP response.
   */
  submit(
    user: string,
    callbackId: string,
    workflowId: string,
    values: Record<string, Record<string, string>>,
  ): Promise<SignedResponse>;
  /**
   * A correctly signed submission of a modal Keycard opened (`view` as views.open got it), with `values` as Slack
   * puts them in view.state.values (a select's choice as `{ type: 'static_select', selected_option: { value } }`).
   */
  submitView(
    user: string,
    view: Record<string, unknown>,
    values: Record<string, Record<string, ViewStateValue>>,
  ): Promise<SignedResponse>;
  /** The modal Keycard opened with this trigger id, once views.open got it, with the id the fake Slack gave it. */
  openedView(triggerId: string): Promise<Record<string, unknown>>;
  /**
   * A correctly signed choice in a select of an open modal (a select with dispatch_action): what Slack sends when
   * the person picks `value` in the select `actionId` of the input `blockId`.
   */
  choose(
    user: string,
    view: Record<string, unknown>,
    choice: { blockId: string; actionId: string; value: string },
  ): Promise<SignedResponse>;
  /** The grant workflow a `/prod-access` with this trigger id starts (the team is the fake Slack's T0TEST). */
  workflowIdOf(triggerId: string): string;
  /** A new requester's `/prod-access <reason>`, once its approval message is in the approvers' channel. */
  pendingRequest(reason?: string): Promise<{
    workflowId: string;
    message: StoredMessage;
    requester: { slackUserId: string; email: string; principalId: string };
  }>;
  /** What Keycard sent to this response URL (nothing when it took the click without a word). */
  answersTo(responseId: string): string[];
  /** Asserts that the `/prod-access` with this trigger id started no workflow (not found, not merely unreachable). */
  assertNotStarted(triggerId: string): Promise<void>;
  stop(): Promise<void>;
}

export interface SlashOptions extends Pick<SigningOptions, 'timestamp' | 'signature' | 'retryNum'> {
  triggerId?: string;
}

export async function startSlackStand(
  env: TestWorkflowEnvironment,
  overrides: Partial<SlackAppConfig> = {},
  { socketMode = false }: { socketMode?: boolean } = {},
): Promise<SlackStand> {
  const slack = new FakeSlack();
  await slack.start();
  const socket = socketMode ? new FakeSocketMode() : undefined;
  await socket?.start(slack);
  slack.addUser({ id: APPROVER, email: 'approver@example.com' });
  slack.addUser({ id: GROUP_APPROVER, email: 'group-approver@example.com' });
  slack.addUser({ id: OUTSIDER, email: 'outsider@example.com' });
  slack.userGroups.set(APPROVER_GROUP, [GROUP_APPROVER]);
  // The worker reads the approvers' groups at a click as the app's setting says (GROUP_MEMBERS_CACHE).
  const worker = await startWorker(env, {
    slackApiUrl: slack.apiUrl,
    groupMembersCacheMs: overrides.GROUP_MEMBERS_CACHE,
  });
  const port = await freePort();
  const config = testSlackAppConfig({
    slackApiUrl: slack.apiUrl,
    taskQueue: worker.taskQueue,
    port,
    SLACK_APP_TOKEN: socketMode ? 'xapp-test-app-token-not-a-secret' : undefined,
    ...overrides,
  });
  const eventsUrl = `http://127.0.0.1:${port}/slack/events`;
  const appLog = new CapturedLog();
  const app = createSlackApp({ config, temporal: env.client, logger: createLogger('info', appLog), socketMode });
  await app.start();
  const slackStand: SlackStand = {
    slack,
    worker,
    app,
    appLog,
    eventsUrl,
    socket,
    config,
    async slash(userId, text, { triggerId = randomUUID(), ...signing } = {}) {
      // A modal opened with this trigger is this person's, as Slack knows whose trigger it was.
      slack.surfaces.sentBy(userId, { triggerId });
      const body = slashCommandBody({
        user_id: userId,
        text,
        trigger_id: triggerId,
        response_url: slack.responseUrl(triggerId),
      });
      return { response: await postSigned(eventsUrl, body, { secret: SIGNING_SECRET, ...signing }), triggerId };
    },
    async click(user, actionId, value, responseId = randomUUID()) {
      const body = interactionBody(
        blockActionPayload({ user, actionId, value, responseUrl: slack.responseUrl(responseId) }),
      );
      return { response: await postSigned(eventsUrl, body, { secret: SIGNING_SECRET }), responseId };
    },
    async submit(user, callbackId, workflowId, values) {
      const typed = Object.fromEntries(
        Object.entries(values).map(([block, inputs]) => [
          block,
          Object.fromEntries(
            Object.entries(inputs).map(([action, value]) => [action, { type: 'plain_text_input', value }]),
          ),
        ]),
      );
      const payload = viewSubmissionPayload({ user, callbackId, privateMetadata: workflowId, values: typed });
      return postSigned(eventsUrl, interactionBody(payload), { secret: SIGNING_SECRET });
    },
    async submitView(user, view, values) {
      const payload = viewSubmissionPayload({
        user,
        callbackId: String(view.callback_id),
        privateMetadata: String(view.private_metadata),
        values,
        view,
      });
      return postSigned(eventsUrl, interactionBody(payload), { secret: SIGNING_SECRET });
    },
    async openedView(triggerId) {
      const call = await eventually(
        async () => slack.callsOf('views.open').find((opened) => opened.params.trigger_id === triggerId),
        (found) => found !== undefined,
      );
      const view = JSON.parse(String(call?.params.view)) as Record<string, unknown>;
      const user = slack.surfaces.userOfTrigger(triggerId);
      const opened = user ? slack.surfaces.topModal(user) : undefined;
      return opened?.id ? { ...view, id: opened.id } : view;
    },
    async choose(user, view, { blockId, actionId, value }) {
      const payload = blockActionPayload({ user, actionId, value, blockId, responseUrl: '', view });
      const [action] = payload.actions as Record<string, unknown>[];
      payload.actions = [
        {
          type: 'static_select',
          action_id: actionId,
          block_id: blockId,
          selected_option: { text: { type: 'plain_text', text: value }, value },
          action_ts: action.action_ts,
        },
      ];
      return postSigned(eventsUrl, interactionBody(payload), { secret: SIGNING_SECRET });
    },
    workflowIdOf,
    async pendingRequest(reason = 'checking the queue backlog') {
      const requester = await newRequester(slack);
      const { triggerId } = await slackStand.slash(requester.slackUserId, reason);
      const workflowId = workflowIdOf(triggerId);
      const message = (await eventually(
        async () => slack.messagesIn(APPROVER_CHANNEL).find((m) => buttonValue(m, ACTIONS.approve) === workflowId),
        (found) => found !== undefined,
      )) as StoredMessage;
      return { workflowId, message, requester };
    },
    answersTo(responseId) {
      return slack.responses.filter((r) => r.id === responseId).map((r) => String(r.body.text));
    },
    async assertNotStarted(triggerId) {
      await assert.rejects(env.client.workflow.getHandle(workflowIdOf(triggerId)).describe(), WorkflowNotFoundError);
    },
    async stop() {
      await app.stop();
      await socket?.stop();
      await worker.stop();
      await slack.stop();
    },
  };
  return slackStand;
}

function workflowIdOf(triggerId: string): string {
  return grantWorkflowId(requestIdFor('T0TEST', triggerId));
}

/**
 * The Slack app's settings on the stand: the fake Slack, the seeded target, the signing secret above, approvers
 * U0APPROVER and the group S0APPROVERS, and the documented defaults (durations, 5 requests a minute per person; the
 * app and team are learned from the fake Slack's auth.test); `overrides` change any of them.
 */
export function testSlackAppConfig({
  slackApiUrl,
  taskQueue,
  port,
  ...overrides
}: { slackApiUrl: string; taskQueue: string; port: number } & Partial<SlackAppConfig>): SlackAppConfig {
  const { seed } = stand();
  return {
    SLACK_BOT_TOKEN: TEST_SLACK_BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_APP_TOKEN: undefined,
    SLACK_API_URL: slackApiUrl,
    APPROVER_CHANNEL,
    APPROVERS: [APPROVER, APPROVER_GROUP],
    PORT: port,
    REQUEST_TIMEOUT: parseDuration('1h'),
    GRANT_TTL: parseDuration('4h'),
    MAX_GRANT_DURATION: parseDuration('8h'),
    MAX_TOTAL_GRANT_DURATION: parseDuration('12h'),
    EXPIRY_WARNING: parseDuration('15m'),
    REQUEST_RATE_LIMIT: 5,
    TEMPORAL_TASK_QUEUE: taskQueue,
    TARGET_ACCOUNT_ID: seed.accountId,
    PERMISSION_SET_ARN: seed.permissionSetArn,
    KEYCARD_SIGNING_KEY: TEST_SIGNING_KEY,
    ...overrides,
  };
}

/** A Slack user who is also an Identity Center user with the same email. */
export async function newRequester(
  slack: FakeSlack,
): Promise<{ slackUserId: string; email: string; principalId: string }> {
  const id = randomUUID().slice(0, 8).toUpperCase();
  const slackUserId = `U0REQ${id}`;
  const email = `req-${id.toLowerCase()}@example.com`;
  slack.addUser({ id: slackUserId, email });
  return { slackUserId, email, principalId: await createIdentityStoreUser(email) };
}
