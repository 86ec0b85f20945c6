/**
 * `/prod-access who`: every live grant, for approvers only (they decide them; others see only their own).
 */
import type { Logger } from '../../../logger';
import { liveGrantsMessage, type SlackMessage } from '../../../views';
import type { GrantWorkflows } from '../../grantWorkflows';
import { isApprover } from '../../people';
import type { SlashCommand } from '../types';
import { ephemeralMessage } from './reply';

export interface WhoDependencies {
  approvers: string[];
  grants: GrantWorkflows;
  logger: Logger;
}

export function whoHoldsAccess({ approvers, grants, logger }: WhoDependencies) {
  async function whoHolds(client: SlashCommand['client'], userId: string): Promise<SlackMessage> {
    try {
      if (!(await isApprover(client, approvers, userId))) {
        return {
          text: 'Only Keycard approvers can see who holds production access. `/prod-access history` shows your own grants.',
          blocks: [],
        };
      }
      return liveGrantsMessage(await grants.listings({ state: 'active' }, 100));
    } catch (error) {
      logger.error({ err: error }, 'could not list the live grants');
      return { text: 'Keycard could not read the live grants just now. Try again in a minute.', blocks: [] };
    }
  }

  return async ({ command, ack, respond, client }: SlashCommand): Promise<void> => {
    await ack();
    await respond(ephemeralMessage(await whoHolds(client, command.user_id)));
  };
}
