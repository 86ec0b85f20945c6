/**
 * `/prod-access`: the whole text picks the subcommand (`who`, `history`, `help`, `cancel`); anything else is a request
 * for access.
 */
import type { App } from '@slack/bolt';
import { catalogOf } from '../../../config';
import type { Logger } from '../../../logger';
import type { GroupMembersCache } from '../../groupMembers';
import type { GrantWorkflows } from '../../grantWorkflows';
import type { SlackWorkspace } from '../../workspace';
import type { SlashCommand } from '../types';
import { cancelRequests } from './cancel';
import { requestHelp } from './help';
import { requestHistory } from './history';
import { requestAccess, type RequestSettings } from './request';
import { whoHoldsAccess } from './who';

export const SLASH_COMMAND = '/prod-access';

export interface CommandDependencies {
  settings: RequestSettings;
  grants: GrantWorkflows;
  logger: Logger;
  workspace: () => Promise<SlackWorkspace>;
  /** Requester groups' members, shared with the request modal's submission. */
  groups: GroupMembersCache;
  /** When a request is made; tests pass a fixed clock. */
  now?: () => Date;
}

export function prodAccessCommand({ settings, grants, logger, workspace, groups, now }: CommandDependencies) {
  const catalog = catalogOf(settings);
  // Whoever decides some target sees who holds access: APPROVERS, and with a catalog each target's approvers.
  const approvers = [...new Set([...(settings.APPROVERS ?? []), ...catalog.targets.flatMap((t) => t.approvers)])];
  const subcommands: Record<string, (args: SlashCommand) => Promise<void>> = {
    who: whoHoldsAccess({ approvers, grants, logger, workspace }),
    history: requestHistory({ grants, logger, workspace }),
    help: requestHelp({ catalog, groups }),
    cancel: cancelRequests({ grants, logger, workspace }),
  };
  const request = requestAccess({ settings, grants, workspace, groups, logger, now });
  return async (args: SlashCommand): Promise<void> => {
    const word = args.command.text.trim().toLowerCase();
    await (Object.hasOwn(subcommands, word) ? subcommands[word] : request)(args);
  };
}

export function registerCommands(app: App, deps: CommandDependencies): void {
  app.command(SLASH_COMMAND, prodAccessCommand(deps));
}
