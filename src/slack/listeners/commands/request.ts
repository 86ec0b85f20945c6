/**
 * `/prod-access [duration] <reason>`: checks the person, then starts a grant workflow that asks the approvers; a
 * person who already holds this access gets an extension request instead, and one already waiting gets nothing new.
 */
import type { Config } from '../../../config';
import { formatDuration } from '../../../domain/duration';
import type { AccessRequest } from '../../../domain/grant';
import { parseRequestText } from '../../../domain/requestText';
import { channelLink } from '../../../views';
import type { GrantWorkflows } from '../../grantWorkflows';
import { requesterEmail } from '../../people';
import { requestIdFor } from '../../requestId';
import { REQUEST_RATE_WINDOW_MS, RollingLimit } from '../../requestLimits';
import type { SlackWorkspace } from '../../workspace';
import type { SlashCommand } from '../types';

export type RequestSettings = Pick<
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
  | 'REQUEST_RATE_LIMIT'
>;

export interface RequestDependencies {
  settings: RequestSettings;
  grants: GrantWorkflows;
  workspace: () => Promise<SlackWorkspace>;
  now?: () => Date;
}

export function requestAccess({ settings, grants, workspace, now = () => new Date() }: RequestDependencies) {
  const approverChannel = settings.APPROVER_CHANNEL as string;
  const ephemeral = (text: string) => ({ response_type: 'ephemeral' as const, text });
  // Per person, in this process: a flood from one person never reaches Slack's API, Temporal or Identity Center.
  const perPerson = new RollingLimit(settings.REQUEST_RATE_LIMIT, REQUEST_RATE_WINDOW_MS, () => now().getTime());

  return async ({ command, ack, respond, client }: SlashCommand): Promise<void> => {
    const parsed = parseRequestText(command.text, {
      defaultDurationMs: settings.GRANT_TTL,
      maxDurationMs: settings.MAX_GRANT_DURATION,
    });
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
    await ack(ephemeral('Checking your Identity Center account…'));
    const duration = formatDuration(parsed.durationMs);

    const requestId = requestIdFor(command.team_id, command.trigger_id);
    const email = await requesterEmail(client, command.user_id, await workspace());
    if (!email.ok) {
      await respond(ephemeral(email.message));
      return;
    }
    const target = { accountId: settings.TARGET_ACCOUNT_ID, permissionSetArn: settings.PERMISSION_SET_ARN };
    const existing = await grants.existingLease(email.email, target);
    if (existing?.state === 'pending') {
      await respond(
        ephemeral(
          `You already have a request for this access waiting for an approver in ${channelLink(approverChannel)}. Nothing new was requested.`,
        ),
      );
      return;
    }
    if (existing?.state === 'active') {
      // Grants are leases: a second grant would share the assignment, so it becomes an extension of the live one.
      const refusal = await grants.extend(existing.workflowId, {
        by: command.user_id,
        duration,
        reason: parsed.reason,
      });
      await respond(
        ephemeral(
          refusal
            ? `You already have this access. Keycard could not ask for more: ${refusal}`
            : `You already have this access; your request went to the approvers in ${channelLink(approverChannel)} as an extension of ${duration}.`,
        ),
      );
      return;
    }
    const found = await grants.identityCenterUserFor(email.email, requestId);
    if (!found) {
      await respond(
        ephemeral(
          `Your Slack email ${email.email} matches no user in AWS IAM Identity Center, so Keycard cannot grant you access. Ask an Identity Center admin to add that email to your user. Nothing was requested.`,
        ),
      );
      return;
    }
    const request: AccessRequest = {
      requestId,
      requester: {
        slackUserId: command.user_id,
        email: email.email,
        ...(found.user ? { identityCenterUser: found.user } : {}),
      },
      reason: parsed.reason,
      target,
      duration,
      requestedAt: now().toISOString(),
      principalId: found.principalId,
      slack: {
        approverChannel,
        approvers: settings.APPROVERS as string[],
        requestTimeout: formatDuration(settings.REQUEST_TIMEOUT),
      },
      limits: {
        maxTotalDuration: formatDuration(settings.MAX_TOTAL_GRANT_DURATION),
        expiryWarning: formatDuration(settings.EXPIRY_WARNING),
      },
    };
    // A retried delivery of the same command was already asked for and answered.
    if ((await grants.start(request)) === 'already_started') return;
    await respond(
      ephemeral(
        `Your request for ${duration} of production access is waiting for an approver in ${channelLink(approverChannel)}. You will get a DM when it is decided.`,
      ),
    );
  };
}
