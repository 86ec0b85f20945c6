/**
 * Starting a request for a catalog target, the same whether it was typed (`/prod-access prod-admin 2h …`) or chosen
 * in the request modal: the requester policy, the person, a lease they already hold or wait for, their Identity
 * Center user, then the grant workflow, routed to the target's approvers and channel.
 */
import { catalogOf, type Config } from '../config';
import { IMPLICIT_TARGET_KEY, type Catalog, type CatalogTarget } from '../domain/catalog';
import { mayRequestTarget, requesterGroups, requesterRuleFor, type RequesterFacts } from '../domain/catalogPolicy';
import { formatDuration } from '../domain/duration';
import { grantedTargets, grantWorkflowId, publishedTargetKey, targetKey, type AccessRequest } from '../domain/grant';
import { channelLink, escapeText, type SlackMessage } from '../views';
import { plain } from '../views/blocks';
import { pendingConfirmation } from '../views/requestModal';
import type { GrantWorkflows } from './grantWorkflows';
import type { GroupMembersCache } from './groupMembers';
import type { SlackClient } from './listeners/types';
import { requesterEmail } from './people';
import type { SlackWorkspace } from './workspace';

export type StartSettings = Pick<
  Config,
  | 'APPROVER_CHANNEL'
  | 'APPROVERS'
  | 'REQUEST_TIMEOUT'
  | 'GRANT_TTL'
  | 'MAX_GRANT_DURATION'
  | 'MAX_TOTAL_GRANT_DURATION'
  | 'EXPIRY_WARNING'
  | 'TARGET_ACCOUNT_ID'
  | 'PERMISSION_SET_ARN'
  | 'catalog'
>;

export const NO_TARGET_AT_ALL =
  'You cannot request any target. Ask an approver to add you to a target’s requesters. Nothing was requested.';

export interface AskedFor {
  userId: string;
  requestId: string;
  target: CatalogTarget;
  durationMs: number;
  reason: string;
  facts: RequesterFacts;
}

/** The person and the members of every requester group of the catalog (kept briefly: see GroupMembersCache). */
export async function requesterFacts(
  groups: GroupMembersCache,
  client: SlackClient,
  catalog: Catalog,
  person: string,
): Promise<RequesterFacts> {
  return { person, groupMembers: await groups.membersOf(client, requesterGroups(catalog)) };
}

/** How a target is named to its requester: as before for the implicit one, else by its name. */
export function accessName(target: CatalogTarget): string {
  return target.key === IMPLICIT_TARGET_KEY ? 'production access' : escapeText(target.name);
}

export function requestStarter({
  settings,
  grants,
  workspace,
  now,
}: {
  settings: StartSettings;
  grants: GrantWorkflows;
  workspace: () => Promise<SlackWorkspace>;
  now: () => Date;
}) {
  const catalog = catalogOf(settings);

  /** What to tell the person, or nothing for a retried delivery already answered. */
  return async (client: SlackClient, asked: AskedFor): Promise<SlackMessage | undefined> => {
    const { target, facts } = asked;
    const allowed = mayRequestTarget(catalog, target, facts);
    const rule = requesterRuleFor(target, facts);
    if (!allowed.allowed || rule === undefined) {
      return plain(`${allowed.allowed ? NO_TARGET_AT_ALL : allowed.message} Nothing was requested.`);
    }
    const channel = target.channel ?? (settings.APPROVER_CHANNEL as string);
    const what = accessName(target);
    const duration = formatDuration(asked.durationMs);

    const email = await requesterEmail(client, asked.userId, await workspace());
    if (!email.ok) return plain(email.message);
    const [first] = target.accounts;
    const request: Omit<AccessRequest, 'requester' | 'principalId'> = {
      requestId: asked.requestId,
      reason: asked.reason,
      target: { accountId: first.id, permissionSetArn: target.permissionSetArn },
      catalogTarget: {
        key: target.key,
        name: target.name,
        permissionSetArn: target.permissionSetArn,
        accounts: target.accounts.map((account) => ({ id: account.id, name: account.name })),
        requesterRule: rule,
      },
      duration,
      requestedAt: now().toISOString(),
      slack: {
        approverChannel: channel,
        approvers: [...target.approvers],
        requestTimeout: formatDuration(settings.REQUEST_TIMEOUT),
      },
      limits: {
        maxTotalDuration: formatDuration(settings.MAX_TOTAL_GRANT_DURATION),
        expiryWarning: formatDuration(settings.EXPIRY_WARNING),
      },
    };
    // The catalog key, and each account's `<account>/<permission set>`: grants started before the catalog publish that.
    const leaseKeys = [publishedTargetKey(request), ...grantedTargets(request).map(targetKey)];
    const existing = await grants.existingLease(email.email, leaseKeys);
    if (existing?.state === 'pending') {
      return pendingConfirmation(
        `You already have a request for ${what} waiting for an approver in ${channelLink(channel)}. Nothing new was requested.`,
        existing.workflowId,
      );
    }
    if (existing?.state === 'active') {
      // Grants are leases: a second grant would share the assignment, so it becomes an extension of the live one.
      const refusal = await grants.extend(existing.workflowId, { by: asked.userId, duration, reason: asked.reason });
      return plain(
        refusal
          ? `You already have ${what}. Keycard could not ask for more: ${refusal}`
          : `You already have ${what}; your request went to the approvers in ${channelLink(channel)} as an extension of ${duration}.`,
      );
    }
    const found = await grants.identityCenterUserFor(email.email, asked.requestId);
    if (!found) {
      return plain(
        `Your Slack email ${email.email} matches no user in AWS IAM Identity Center, so Keycard cannot grant you access. Ask an Identity Center admin to add that email to your user. Nothing was requested.`,
      );
    }
    const started = await grants.start({
      ...request,
      requester: {
        slackUserId: asked.userId,
        email: email.email,
        ...(found.user ? { identityCenterUser: found.user } : {}),
      },
      principalId: found.principalId,
    });
    // A retried delivery of the same command was already asked for and answered.
    if (started === 'already_started') return undefined;
    return pendingConfirmation(
      `Your request for ${duration} of ${what} is waiting for an approver in ${channelLink(channel)}. You will get a DM when it is decided.`,
      grantWorkflowId(asked.requestId),
    );
  };
}
