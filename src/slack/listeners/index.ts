/**
 * Every Slack listener, by kind, as in Bolt's starter template: commands, actions (buttons), views (modal
 * submissions), events. Each one acks first and does one thing, with what it needs passed in.
 */
import type { App } from '@slack/bolt';
import { catalogOf, type Config } from '../../config';
import type { Logger } from '../../logger';
import { GroupMembersCache } from '../groupMembers';
import { requestStarter } from '../startRequest';
import type { GrantWorkflows } from '../grantWorkflows';
import type { SlackWorkspace } from '../workspace';
import { registerActions } from './actions';
import { registerCommands } from './commands';
import type { RequestSettings } from './commands/request';
import { registerEvents } from './events';
import { registerViews } from './views';

export interface ListenerDependencies {
  settings: RequestSettings & Partial<Pick<Config, 'GROUP_MEMBERS_CACHE'>>;
  grants: GrantWorkflows;
  logger: Logger;
  /** Keycard's own Slack app and workspace (requesters must be of it). */
  workspace: () => Promise<SlackWorkspace>;
}

export function registerListeners(app: App, { settings, grants, logger, workspace }: ListenerDependencies): void {
  // One short memory of the requester groups for the command and the modal's submission.
  const groups = new GroupMembersCache(logger, settings.GROUP_MEMBERS_CACHE);
  const catalog = catalogOf(settings);
  const start = requestStarter({ settings, grants, workspace, now: () => new Date() });
  registerCommands(app, { settings, grants, logger, workspace, groups });
  registerActions(app, { grants, catalog, groups });
  registerViews(app, { settings, grants, requests: { catalog, groups, start, logger } });
  registerEvents(app, {
    approverChannel: settings.APPROVER_CHANNEL as string,
    catalog: settings.catalog !== undefined,
    grants,
    workspace,
  });
}
