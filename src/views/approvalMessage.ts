/**
 * The message in the approvers' channel: the request, then its outcome, updated in place as things happen.
 */
import type { KnownBlock } from '@slack/web-api';
import type { GrantStatus } from '../domain/grant';
import {
  button,
  factFields,
  permissionSetContext,
  reasonSection,
  requesterFacts,
  revokeActions,
  section,
  targetFacts,
  type SlackMessage,
} from './blocks';
import { ACTIONS } from './ids';
import { outcomeLine } from './outcome';
import { escapeLine, escapeText, mention, shownMoment } from './text';

export function approvalMessage(status: GrantStatus, workflowId: string): SlackMessage {
  const facts: [string, string][] = [
    ...requesterFacts(status),
    ...targetFacts(status),
    ['Duration', escapeText(status.duration)],
  ];
  if (status.expiresAt) facts.push(['Until', shownMoment(status.expiresAt)]);
  const outcome = outcomeLine(status);
  // The facts first, in fields; the reason the person typed last, on one line.
  const blocks: KnownBlock[] = [
    section(`*${mention(status.requester.slackUserId)} requests production access*`),
    factFields(facts),
    ...permissionSetContext(status),
    reasonSection('Reason', status.reason),
  ];
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
    : `${mention(status.requester.slackUserId)} requests production access: ${escapeLine(status.reason)}`;
  return { text, blocks };
}
