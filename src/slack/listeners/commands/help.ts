/**
 * `/prod-access help`: the targets this person may request, and how to ask.
 */
import type { Catalog } from '../../../domain/catalog';
import { requestableTargets } from '../../../domain/catalogPolicy';
import { helpMessage } from '../../../views/help';
import type { GroupMembersCache } from '../../groupMembers';
import { requesterFacts } from '../../startRequest';
import type { SlashCommand } from '../types';
import { ephemeralMessage } from './reply';

export function requestHelp({ catalog, groups }: { catalog: Catalog; groups: GroupMembersCache }) {
  return async ({ command, ack, respond, client }: SlashCommand): Promise<void> => {
    await ack();
    const facts = await requesterFacts(groups, client, catalog, command.user_id);
    await respond(ephemeralMessage(helpMessage(requestableTargets(catalog, facts))));
  };
}
