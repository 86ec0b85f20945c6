/**
 * The message in the approvers' channel: the request, then its outcome, updated in place as things happen.
 */
import type { KnownBlock } from '@slack/web-api';
import type { GrantStatus } from '../domain/grant';
import { button, revokeActions, section, targetLine, type SlackMessage } from './blocks';
import { ACTIONS } from './ids';
import { outcomeLine } from './outcome';
import { escapeText, mention } from './text';

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
    if (status.state === 'active') blocks.push(revokeActions(workflowId));
  }
  const text = outcome
    ? `Production access for ${mention(status.requester.slackUserId)}: ${outcome}`
    : `${mention(status.requester.slackUserId)} requests production access: ${escapeText(status.reason)}`;
  return { text, blocks };
}
