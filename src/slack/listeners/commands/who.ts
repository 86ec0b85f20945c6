/**
 * `/prod-access who`: every live grant, for approvers only (they decide them; others see only their own).
 */
import type { Logger } from '../../../logger';
import { liveGrantsMessage, type SlackMessage } from '../../../views';
import type { GrantWorkflows } from '../../grantWorkflows';
import { maySeeLiveGrants } from '../../../domain/policy';
import { approversFor, deciderProblem } from '../../people';
import type { SlackWorkspace } from '../../workspace';
import type { SlashCommand } from '../types';
import { ephemeralMessage } from './reply';

export interface WhoDependencies {
  approvers: string[];
  grants: GrantWorkflows;
  logger: Logger;
  workspace: () => Promise<SlackWorkspace>;
}

export function whoHoldsAccess({ approvers, grants, logger, workspace }: WhoDependencies) {
  async function whoHolds(client: SlashCommand['client'], userId: string): Promise<SlackMessage> {
    try {
      // An approver must be a person of the workspace to see every grant, as to decide one.
      const problem = await deciderProblem(client, userId, await workspace());
      if (problem) return { text: problem.replace(' Nothing was changed.', ''), blocks: [] };
      const seen = maySeeLiveGrants({ actor: userId, approvers: await approversFor(client, approvers, userId) });
      if (!seen.allowed) return { text: seen.message, blocks: [] };
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
