/**
 * `/prod-access`: the first word picks the subcommand (`who`, `history`); anything else is a request for access.
 */
import type { App } from '@slack/bolt';
import type { Logger } from '../../../logger';
import type { GrantWorkflows } from '../../grantWorkflows';
import type { SlackWorkspace } from '../../workspace';
import type { SlashCommand } from '../types';
import { requestHistory } from './history';
import { requestAccess, type RequestSettings } from './request';
import { whoHoldsAccess } from './who';

export const SLASH_COMMAND = '/prod-access';

export interface CommandDependencies {
  settings: RequestSettings;
  grants: GrantWorkflows;
  logger: Logger;
  workspace: () => Promise<SlackWorkspace>;
  /** When a request is made; tests pass a fixed clock. */
  now?: () => Date;
}

export function prodAccessCommand({ settings, grants, logger, workspace, now }: CommandDependencies) {
  const subcommands: Record<string, (args: SlashCommand) => Promise<void>> = {
    who: whoHoldsAccess({ approvers: settings.APPROVERS ?? [], grants, logger, workspace }),
    history: requestHistory({ grants, logger, workspace }),
  };
  const request = requestAccess({ settings, grants, workspace, now });
  return async (args: SlashCommand): Promise<void> => {
    const word = args.command.text.trim().toLowerCase();
    await (Object.hasOwn(subcommands, word) ? subcommands[word] : request)(args);
  };
}

export function registerCommands(app: App, deps: CommandDependencies): void {
  app.command(SLASH_COMMAND, prodAccessCommand(deps));
}
