/**
 * Block Kit messages as pure functions of a grant's status. The workflow decides what happened; these say it.
 */
import type { Button, KnownBlock, View } from '@slack/web-api';
import { formatUtc } from '../domain/time';
import { type GrantStatus, type NoticeType } from '../domain/grant';
import { channelLink, escapeText, mention } from './text';

export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

export const ACTIONS = {
  approve: 'keycard_approve',
  deny: 'keycard_deny',
  revoke: 'keycard_revoke',
  requestExtension: 'keycard_request_extension',
} as const;

export const DENY_MODAL = { callbackId: 'keycard_deny_reason', block: 'reason', action: 'reason_input' } as const;

export const EXTENSION_MODAL = {
  callbackId: 'keycard_extension',
  durationBlock: 'duration',
  durationAction: 'duration_input',
  reasonBlock: 'reason',
  reasonAction: 'reason_input',
} as const;

function section(text: string): KnownBlock {
  return { type: 'section', text: { type: 'mrkdwn', text, verbatim: true } };
}

function button(actionId: string, text: string, workflowId: string, style?: 'primary' | 'danger'): Button {
  return {
    type: 'button',
    action_id: actionId,
    text: { type: 'plain_text', text },
    value: workflowId,
    ...(style ? { style } : {}),
  };
}

function targetLine(status: GrantStatus): string {
  const permissionSet = status.target.permissionSetArn.split('/').pop() ?? status.target.permissionSetArn;
  return `${escapeText(permissionSet)} @ ${escapeText(status.target.accountId)}`;
}

/** One line saying where the request stands, as the approval message shows it after a decision. */
export function outcomeLine(status: GrantStatus): string | undefined {
  switch (status.state) {
    case 'pending':
      return status.approvedBy ? `Approved by ${mention(status.approvedBy)} — granting access…` : undefined;
    case 'active':
      return `Approved by ${mention(status.approvedBy ?? 'keycard')} — access until ${formatUtc(status.expiresAt as string)}`;
    case 'denied':
      return `Denied by ${mention(status.deniedBy ?? 'unknown')}: ${escapeText(status.denyReason ?? '')}`;
    case 'expired':
      return 'Expired unanswered';
    case 'revoked':
      return status.revokedBy === 'keycard' && status.revokeReason === 'expired'
        ? `Access ended at ${formatUtc(status.revokedAt as string)}`
        : `Revoked by ${mention(status.revokedBy ?? 'unknown')} at ${formatUtc(status.revokedAt as string)}: ${escapeText(status.revokeReason ?? '')}`;
    case 'failed':
      return `Not granted: ${escapeText(status.failureReason ?? 'unknown failure')}`;
  }
}

/** The message in the approvers' channel: the request, then its outcome, updated in place as things happen. */
export function approvalMessage(status: GrantStatus, workflowId: string): SlackMessage {
  const summary =
    `*${mention(status.requester.slackUserId)} requests production access*\n` +
    `*Reason:* ${escapeText(status.reason)}\n` +
    `*Target:* ${targetLine(status)}\n` +
    `*Duration:* ${escapeText(status.duration)}`;
  const outcome = outcomeLine(status);
  const blocks: KnownBlock[] = [section(summary)];
  if (status.state === 'pending' && !status.approvedBy) {
    blocks.push({
      type: 'actions',
      block_id: 'decision',
      elements: [
        button(ACTIONS.approve, 'Approve', workflowId, 'primary'),
        button(ACTIONS.deny, 'Deny', workflowId, 'danger'),
      ],
    });
  } else if (outcome) {
    blocks.push(section(outcome));
    if (status.state === 'active') {
      blocks.push({
        type: 'actions',
        block_id: 'grant',
        elements: [button(ACTIONS.revoke, 'Revoke now', workflowId, 'danger')],
      });
    }
  }
  const text = outcome
    ? `Production access for ${mention(status.requester.slackUserId)}: ${outcome}`
    : `${mention(status.requester.slackUserId)} requests production access: ${escapeText(status.reason)}`;
  return { text, blocks };
}

/** The direct message the requester gets after `event`, or nothing when that event is not theirs to hear about. */
export function requesterNotice(status: GrantStatus, event: NoticeType, workflowId: string): SlackMessage | undefined {
  const what = `production access (${targetLine(status)})`;
  switch (event) {
    case 'approved':
      return plain(`${mention(status.approvedBy ?? 'unknown')} approved your request for ${what}. Granting it now…`);
    case 'denied':
      return plain(
        `${mention(status.deniedBy ?? 'unknown')} denied your request for ${what}: ${escapeText(status.denyReason ?? '')}`,
      );
    case 'expired':
      return plain(`Your request for ${what} expired: no approver answered in time. Ask again if you still need it.`);
    case 'granted': {
      const text = `You have ${what} until ${formatUtc(status.expiresAt as string)}.`;
      return {
        text,
        blocks: [
          section(text),
          {
            type: 'actions',
            block_id: 'grant',
            elements: [button(ACTIONS.revoke, 'Revoke now', workflowId, 'danger')],
          },
        ],
      };
    }
    case 'revoked':
      return plain(
        status.revokedBy === 'keycard' && status.revokeReason === 'expired'
          ? `Your ${what} ended at ${formatUtc(status.revokedAt as string)}.`
          : `Your ${what} was revoked by ${mention(status.revokedBy ?? 'unknown')} at ${formatUtc(status.revokedAt as string)}: ${escapeText(status.revokeReason ?? '')}`,
      );
    case 'grant_failed':
      return plain(`Your ${what} could not be granted: ${escapeText(status.failureReason ?? 'unknown failure')}`);
    case 'expiry_warning': {
      const text = `Your prod access ends at ${formatUtc(status.expiresAt as string)}.`;
      return {
        text,
        blocks: [
          section(text),
          {
            type: 'actions',
            block_id: 'extension',
            elements: [button(ACTIONS.requestExtension, 'Request extension', workflowId, 'primary')],
          },
        ],
      };
    }
    case 'extended': {
      const by = status.history.at(-1)?.actor ?? 'unknown';
      return plain(`${mention(by)} extended your ${what} until ${formatUtc(status.expiresAt as string)}.`);
    }
    case 'extension_denied': {
      const last = status.history.at(-1);
      return plain(
        `${mention(last?.actor ?? 'unknown')} denied your extension: ${escapeText(last?.reason ?? '')}. Your access still ends at ${formatUtc(status.expiresAt as string)}.`,
      );
    }
    default:
      return undefined;
  }
}

function plain(text: string): SlackMessage {
  return { text, blocks: [section(text)] };
}

/** The App Home: how to ask, and the person's live grants with a way to end each. */
export function homeView(
  liveGrants: { workflowId: string; expiresAt?: Date; target?: string }[],
  approverChannel: string,
): { type: 'home'; blocks: KnownBlock[] } {
  const blocks: KnownBlock[] = [
    section(
      '*Keycard* hands out production access for a few hours and takes it back on time.\n' +
        'Ask with `/prod-access <reason>` or `/prod-access 2h <reason>`; an approver decides in ' +
        `${channelLink(approverChannel)}.`,
    ),
  ];
  if (liveGrants.length === 0) {
    blocks.push(section('You hold no production access right now.'));
  }
  for (const grant of liveGrants) {
    const target = escapeText((grant.target ?? '').split('/').pop() ?? '');
    const until = grant.expiresAt ? ` until ${formatUtc(grant.expiresAt)}` : '';
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: `Active: ${target}${until}`, verbatim: true },
      accessory: button(ACTIONS.revoke, 'Revoke now', grant.workflowId, 'danger'),
    });
  }
  return { type: 'home', blocks };
}

/** An extension request in the approvers' channel; after a decision it shows the outcome instead of buttons. */
export function extensionRequestMessage(status: GrantStatus, workflowId: string, event: NoticeType): SlackMessage {
  const pending = status.pendingExtension;
  const last = status.history.at(-1);
  const asked = pending ?? {
    duration: String((last as { duration?: string } | undefined)?.duration ?? ''),
    reason: '',
  };
  const summary =
    `*${mention(status.requester.slackUserId)} asks to extend production access* (${targetLine(status)})\n` +
    (pending ? `*By:* ${escapeText(pending.duration)}\n*Reason:* ${escapeText(pending.reason)}\n` : '') +
    `*Now ends:* ${formatUtc(status.expiresAt as string)} · at most ${escapeText(status.maxTotalDuration ?? '')} in all`;
  if (event === 'extension_requested') {
    return {
      text: `${mention(status.requester.slackUserId)} asks to extend production access by ${escapeText(asked.duration)}`,
      blocks: [
        section(summary),
        {
          type: 'actions',
          block_id: 'extension_decision',
          elements: [
            button(ACTIONS.approve, 'Approve extension', workflowId, 'primary'),
            button(ACTIONS.deny, 'Deny', workflowId, 'danger'),
          ],
        },
      ],
    };
  }
  const outcome =
    event === 'extended'
      ? `Extended by ${mention(last?.actor ?? 'unknown')} — access until ${formatUtc(status.expiresAt as string)}`
      : `Extension denied by ${mention(last?.actor ?? 'unknown')}: ${escapeText(last?.reason ?? '')}`;
  return { text: outcome, blocks: [section(summary), section(outcome)] };
}

interface ModalInput {
  blockId: string;
  actionId: string;
  label: string;
  maxLength: number;
  multiline?: boolean;
  initialValue?: string;
}

/** A modal of text inputs whose submission carries the grant's workflow id, and nothing else of the request. */
function inputModal(callbackId: string, workflowId: string, title: string, submit: string, inputs: ModalInput[]): View {
  return {
    type: 'modal',
    callback_id: callbackId,
    private_metadata: workflowId,
    title: { type: 'plain_text', text: title },
    submit: { type: 'plain_text', text: submit },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: inputs.map((input) => ({
      type: 'input',
      block_id: input.blockId,
      label: { type: 'plain_text', text: input.label },
      element: {
        type: 'plain_text_input',
        action_id: input.actionId,
        max_length: input.maxLength,
        ...(input.multiline ? { multiline: true } : {}),
        ...(input.initialValue ? { initial_value: input.initialValue } : {}),
      },
    })),
  };
}

/** The modal behind "Request extension": how much longer, and why. */
export function extensionModal(workflowId: string): View {
  return inputModal(EXTENSION_MODAL.callbackId, workflowId, 'Request extension', 'Ask approvers', [
    {
      blockId: EXTENSION_MODAL.durationBlock,
      actionId: EXTENSION_MODAL.durationAction,
      label: 'How much longer? (e.g. 30m, 1h)',
      maxLength: 10,
      initialValue: '1h',
    },
    {
      blockId: EXTENSION_MODAL.reasonBlock,
      actionId: EXTENSION_MODAL.reasonAction,
      label: 'Why? The approvers see this.',
      maxLength: 500,
      multiline: true,
    },
  ]);
}

/** The modal behind "Deny": the reason the requester will read. */
export function denyModal(workflowId: string): View {
  return inputModal(DENY_MODAL.callbackId, workflowId, 'Deny access', 'Deny', [
    {
      blockId: DENY_MODAL.block,
      actionId: DENY_MODAL.action,
      label: 'Why? The requester sees this.',
      maxLength: 500,
      multiline: true,
    },
  ]);
}

/** One grant as `/prod-access who` and `/prod-access history` show it: Temporal's visibility plus its status. */
export interface GrantListing {
  workflowId: string;
  /** ProdAccessState: pending, active, revoked, expired, denied, failed. */
  state: string;
  /** Whether its workflow still runs; an active grant whose workflow stopped waits for the reconciler. */
  running: boolean;
  requesterEmail?: string;
  requesterSlackId?: string;
  /** `<account>/<permission set ARN>`. */
  target?: string;
  reason?: string;
  approver?: string;
  requestedAt?: Date | string;
  grantedAt?: Date | string;
  expiresAt?: Date | string;
  endedAt?: Date | string;
}

/** Slack allows 50 blocks a message; the rest are counted, with where to see them all. */
const MAX_LISTED = 40;

function targetText(target: string | undefined): string {
  if (!target) return 'unknown target';
  const slash = target.indexOf('/');
  return slash < 0
    ? escapeText(target)
    : `${escapeText(
        target
          .slice(slash + 1)
          .split('/')
          .pop() ?? '',
      )} @ ${escapeText(target.slice(0, slash))}`;
}

function whoText(grant: GrantListing): string {
  const who = grant.requesterSlackId ? mention(grant.requesterSlackId) : '';
  const email = grant.requesterEmail ? escapeText(grant.requesterEmail) : '';
  return who && email ? `${who} (${email})` : who || email || 'unknown requester';
}

function reasonLine(grant: GrantListing): string {
  return grant.reason === undefined ? '' : `\n>${escapeText(grant.reason).replace(/\n/g, ' ')}`;
}

/** `/prod-access who`, for approvers: every live grant, who holds it, why, approved by whom, until when. */
export function liveGrantsMessage(grants: GrantListing[], now: Date = new Date()): SlackMessage {
  if (grants.length === 0) return plain('Nobody holds production access through Keycard right now.');
  const header = `*${grants.length} live production access grant${grants.length === 1 ? '' : 's'}*`;
  const blocks = [section(header)];
  for (const grant of grants.slice(0, MAX_LISTED)) {
    const since = grant.grantedAt ? ` since ${formatUtc(grant.grantedAt, now)}` : '';
    const until = grant.expiresAt ? ` until ${formatUtc(grant.expiresAt, now)}` : '';
    const approved = grant.approver ? ` · approved by ${mention(grant.approver)}` : '';
    const stopped = grant.running
      ? ''
      : '\n:warning: Its workflow is no longer running: the reconciler will revoke it (or run `keycard reconcile`).';
    blocks.push(
      section(
        `${whoText(grant)} · ${targetText(grant.target)}${since}${until}${approved}${reasonLine(grant)}${stopped}`,
      ),
    );
  }
  if (grants.length > MAX_LISTED) {
    blocks.push(
      section(
        `…and ${grants.length - MAX_LISTED} more: \`temporal workflow list --query 'ProdAccessState="active"'\` lists them all.`,
      ),
    );
  }
  return { text: `${header.replace(/\*/g, '')}`, blocks };
}

function outcomeText(grant: GrantListing, now: Date): string {
  switch (grant.state) {
    case 'active':
      return grant.running
        ? `active${grant.expiresAt ? ` until ${formatUtc(grant.expiresAt, now)}` : ''}`
        : 'active, its workflow stopped (the reconciler will revoke it)';
    case 'revoked':
      return `ended${grant.endedAt ? ` at ${formatUtc(grant.endedAt, now)}` : ''}`;
    case 'pending':
      return 'waiting for an approver';
    case 'expired':
      return 'expired unanswered';
    default:
      return escapeText(grant.state);
  }
}

/** `/prod-access history`: the requester's own last requests, newest first, with what became of each. */
export function grantHistoryMessage(grants: GrantListing[], now: Date = new Date()): SlackMessage {
  if (grants.length === 0) return plain('You have not asked for production access through Keycard yet.');
  const header = `*Your last ${grants.length} production access request${grants.length === 1 ? '' : 's'}*`;
  const blocks = [section(header)];
  for (const grant of grants.slice(0, MAX_LISTED)) {
    const asked = grant.requestedAt ? `${formatUtc(grant.requestedAt, now)} · ` : '';
    const granted = grant.grantedAt ? ` · granted ${formatUtc(grant.grantedAt, now)}` : '';
    const approved = grant.approver ? ` by ${mention(grant.approver)}` : '';
    blocks.push(
      section(
        `${asked}${targetText(grant.target)} · ${outcomeText(grant, now)}${granted}${granted ? approved : ''}${reasonLine(grant)}`,
      ),
    );
  }
  return { text: header.replace(/\*/g, ''), blocks };
}
