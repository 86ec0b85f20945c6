/**
 * `/prod-access [target] [duration] <reason>`: reads the command against the catalog; a complete request (one target,
 * a reason) starts at once, an incomplete one (several targets and none named, no reason) opens the request modal.
 * Either way the person must be among the target's requesters, or nothing reaches the approvers.
 */
import { catalogOf, type Config } from '../../../config';
import type { Logger } from '../../../logger';
import { mayRequestTarget, requestableTargets } from '../../../domain/catalogPolicy';
import { parseCatalogRequest } from '../../../domain/requestText';
import { requestModal } from '../../../views/requestModal';
import type { GrantWorkflows } from '../../grantWorkflows';
import type { GroupMembersCache } from '../../groupMembers';
import { requestIdFor } from '../../requestId';
import { REQUEST_RATE_WINDOW_MS, RollingLimit } from '../../requestLimits';
import { NO_TARGET_AT_ALL, requesterFacts, requestStarter, type StartSettings } from '../../startRequest';
import type { SlackWorkspace } from '../../workspace';
import type { SlashCommand } from '../types';
import { ephemeralMessage } from './reply';

/** What starting a request needs (StartSettings), and how many requests one person may make a minute. */
export type RequestSettings = StartSettings & Pick<Config, 'REQUEST_RATE_LIMIT'>;

export interface RequestDependencies {
  settings: RequestSettings;
  grants: GrantWorkflows;
  workspace: () => Promise<SlackWorkspace>;
  groups: GroupMembersCache;
  logger?: Pick<Logger, 'warn'>;
  now?: () => Date;
}

type ViewsOpen = Parameters<SlashCommand['client']['views']['open']>[0];

export function requestAccess({
  settings,
  grants,
  workspace,
  groups,
  logger,
  now = () => new Date(),
}: RequestDependencies) {
  const catalog = catalogOf(settings);
  const start = requestStarter({ settings, grants, workspace, now });
  const ephemeral = (text: string) => ({ response_type: 'ephemeral' as const, text });
  // Per person, in this process: a flood from one person never reaches Slack's API, Temporal or Identity Center.
  const perPerson = new RollingLimit(settings.REQUEST_RATE_LIMIT, REQUEST_RATE_WINDOW_MS, () => now().getTime());

  /** Slack refuses a trigger id older than 3 s (expired_trigger_id): the person is told how to ask without the form. */
  async function openModal(client: SlashCommand['client'], respond: SlashCommand['respond'], view: ViewsOpen) {
    try {
      await client.views.open(view);
    } catch (error) {
      logger?.warn({ err: error }, 'could not open the request modal');
      await respond(
        ephemeral(
          'Keycard could not open the request form in time. Type /prod-access again, or ask in one line: `/prod-access <target> [duration] <reason>` (`/prod-access help` lists your targets). Nothing was requested.',
        ),
      );
    }
  }

  return async ({ command, ack, respond, client }: SlashCommand): Promise<void> => {
    const parsed = parseCatalogRequest(command.text, catalog);
    if (!parsed.ok) {
      await ack(ephemeral(parsed.message));
      return;
    }
    if (!perPerson.take(command.user_id, command.trigger_id)) {
      await ack(
        ephemeral(
          `You have made ${settings.REQUEST_RATE_LIMIT} requests in the last minute, the most Keycard takes from one person. Wait a minute, then ask again. Nothing was requested.`,
        ),
      );
      return;
    }
    const requestId = requestIdFor(command.team_id, command.trigger_id);

    if (!parsed.complete) {
      // The trigger id opens a modal within 3 s of the command: nothing slow (users.info, Identity Center) comes
      // first, only the requester groups, which are kept briefly.
      await ack();
      const facts = await requesterFacts(groups, client, catalog, command.user_id);
      if (parsed.target) {
        const allowed = mayRequestTarget(catalog, parsed.target, facts);
        if (!allowed.allowed) {
          await respond(ephemeral(`${allowed.message} Nothing was requested.`));
          return;
        }
      }
      const targets = requestableTargets(catalog, facts);
      if (targets.length === 0) {
        await respond(ephemeral(NO_TARGET_AT_ALL));
        return;
      }
      const { target, durationMs, reason } = parsed;
      await openModal(client, respond, {
        trigger_id: command.trigger_id,
        view: requestModal({
          targets,
          ...(target ? { target } : {}),
          ...(durationMs ? { durationMs } : {}),
          reason,
          requestId,
        }),
      });
      return;
    }

    await ack(ephemeral('Checking your Identity Center account…'));
    const answer = await start(client, {
      userId: command.user_id,
      requestId,
      target: parsed.target,
      durationMs: parsed.durationMs,
      reason: parsed.reason,
      facts: await requesterFacts(groups, client, catalog, command.user_id),
    });
    if (answer) await respond(ephemeralMessage(answer));
  };
}
