/**
 * The Slack front door (Bolt). It receives people and changes state only by starting, updating, signalling and
 * querying workflows: it never calls AWS or writes MongoDB. The listeners live in ./listeners, by kind.
 */
import { App } from '@slack/bolt';
import type { Client } from '@temporalio/client';
import { signingKeyOf, type Config } from '../config';
import type { Logger } from '../logger';
import { FrontDoorKey } from '../services/frontDoor';
import { boltLogger } from './boltLogger';
import { createGrantWorkflows } from './grantWorkflows';
import { registerListeners } from './listeners';
import { boltMiddleware, ownRequestsOnly, peopleOnly } from './ownRequests';
import { keycardWorkspace } from './workspace';

export { requestIdFor } from './requestId';

export type SlackAppConfig = Pick<
  Config,
  | 'SLACK_BOT_TOKEN'
  | 'SLACK_SIGNING_SECRET'
  | 'SLACK_APP_TOKEN'
  | 'SLACK_API_URL'
  | 'SLACK_APP_ID'
  | 'SLACK_TEAM_ID'
  | 'REQUEST_RATE_LIMIT'
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
  | 'KEYCARD_SIGNING_KEY'
  | 'catalog'
> &
  Partial<Pick<Config, 'GROUP_MEMBERS_CACHE'>>;

export interface SlackAppOptions {
  config: SlackAppConfig;
  temporal: Client;
  logger: Logger;
  /** Socket Mode when SLACK_APP_TOKEN is set and this is not false; HTTP mode otherwise. */
  socketMode?: boolean;
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
  const frontDoor = new FrontDoorKey(signingKeyOf(config));
  const grants = createGrantWorkflows({
    temporal,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    logger,
    frontDoor,
    catalog: config.catalog,
  });
  // Before any listener: the request is Keycard's own, and a click is a person's of the workspace.
  const workspace = keycardWorkspace(app.client, config);
  app.use(boltMiddleware(ownRequestsOnly(workspace, logger)));
  app.use(boltMiddleware(peopleOnly(workspace, logger)));
  registerListeners(app, { settings: config, grants, logger, workspace });
  app.error(async (error) => {
    logger.error({ err: error }, 'a Slack listener failed');
  });
  return app;
}
