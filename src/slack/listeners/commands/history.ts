/**
 * `/prod-access history`: the requester's own last ten requests, newest first.
 */
import type { Logger } from '../../../logger';
import { grantHistoryMessage, type SlackMessage } from '../../../views';
import type { GrantWorkflows } from '../../grantWorkflows';
import { requesterEmail } from '../../people';
import type { SlackWorkspace } from '../../workspace';
import type { SlashCommand } from '../types';
import { ephemeralMessage } from './reply';

export interface HistoryDependencies {
  grants: GrantWorkflows;
  logger: Logger;
  workspace: () => Promise<SlackWorkspace>;
}

export function requestHistory({ grants, logger, workspace }: HistoryDependencies) {
  async function historyOf(client: SlashCommand['client'], userId: string): Promise<SlackMessage> {
    const email = await requesterEmail(client, userId, await workspace());
    if (!email.ok) return { text: email.message.replace(' Nothing was requested.', ''), blocks: [] };
    try {
      return grantHistoryMessage(await grants.listings({ requester: email.email }, 10));
    } catch (error) {
      logger.error({ err: error }, 'could not list a requester’s grants');
      return { text: 'Keycard could not read your grants just now. Try again in a minute.', blocks: [] };
    }
  }

  return async ({ command, ack, respond, client }: SlashCommand): Promise<void> => {
    await ack();
    await respond(ephemeralMessage(await historyOf(client, command.user_id)));
  };
}
