/**
 * Keycard's Slack front door for scenarios whose worker is a separate process: Bolt apps over HTTP in this process
 * (as many instances as a deploy runs), on one task queue, talking to a fake Slack; and the worker environment that
 * points a `node dist/src/worker.js` at the same fake Slack.
 */
import type { App } from '@slack/bolt';
import type { Client } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { createLogger } from '../../src/logger';
import { createSlackApp } from '../../src/slack/app';
import type { FakeSlack } from './fakeSlack';
import { CapturedLog, TEST_SLACK_BOT_TOKEN } from './keycard';
import { freePort } from './processes';
import {
  blockActionPayload,
  interactionBody,
  postSigned,
  slashCommandBody,
  type SignedResponse,
} from './slackRequests';
import { APPROVER, APPROVER_CHANNEL, SIGNING_SECRET, testSlackAppConfig } from './slackStand';

export interface SlackAppInstance {
  app: App;
  log: CapturedLog;
  eventsUrl: string;
  slash(userId: string, text: string, triggerId?: string): Promise<{ response: SignedResponse; triggerId: string }>;
  stop(): Promise<void>;
}

/** What a worker process needs to send Slack messages to the fake Slack. */
export function slackWorkerEnv(slack: FakeSlack): Record<string, string> {
  return { SLACK_BOT_TOKEN: TEST_SLACK_BOT_TOKEN, SLACK_API_URL: slack.apiUrl, APPROVER_CHANNEL };
}

export async function startSlackApp(client: Client, taskQueue: string, slack: FakeSlack): Promise<SlackAppInstance> {
  slack.addUser({ id: APPROVER, email: 'approver@example.com' });
  const port = await freePort();
  const config = testSlackAppConfig({ slackApiUrl: slack.apiUrl, taskQueue, port, APPROVERS: [APPROVER] });
  const log = new CapturedLog();
  const app = createSlackApp({ config, temporal: client, logger: createLogger('info', log), socketMode: false });
  await app.start();
  const eventsUrl = `http://127.0.0.1:${port}/slack/events`;
  return {
    app,
    log,
    eventsUrl,
    async slash(userId, text, triggerId = randomUUID()) {
      const body = slashCommandBody({
        user_id: userId,
        text,
        trigger_id: triggerId,
        response_url: slack.responseUrl(triggerId),
      });
      return { response: await postSigned(eventsUrl, body, { secret: SIGNING_SECRET }), triggerId };
    },
    async stop() {
      await app.stop();
    },
  };
}

/** One signed button click, as Slack would deliver it: the same bytes can be posted to several app instances. */
export function signedClick(slack: FakeSlack, user: string, actionId: string, value: string) {
  const responseId = randomUUID();
  const body = interactionBody(
    blockActionPayload({ user, actionId, value, responseUrl: slack.responseUrl(responseId) }),
  );
  const timestamp = Math.floor(Date.now() / 1000);
  return {
    responseId,
    deliverTo: (eventsUrl: string) => postSigned(eventsUrl, body, { secret: SIGNING_SECRET, timestamp }),
  };
}
