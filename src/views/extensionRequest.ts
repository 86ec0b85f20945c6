/**
 * An extension request in the approvers' channel; after a decision it shows the outcome instead of buttons.
 */
import type { GrantStatus, NoticeType } from '../domain/grant';
import type { KnownBlock } from '@slack/web-api';
import {
  button,
  factFields,
  permissionSetContext,
  reasonSection,
  requesterFacts,
  section,
  targetFacts,
  type SlackMessage,
} from './blocks';
import { ACTIONS } from './ids';
import { escapeLine, escapeText, mention, shownMoment } from './text';

export function extensionRequestMessage(status: GrantStatus, workflowId: string, event: NoticeType): SlackMessage {
  const pending = status.pendingExtension;
  const last = status.history.at(-1);
  const asked = pending ?? {
    duration: String((last as { duration?: string } | undefined)?.duration ?? ''),
    reason: '',
  };
  const facts: [string, string][] = [...requesterFacts(status), ...targetFacts(status)];
  if (pending) facts.push(['By', escapeText(pending.duration)]);
  facts.push([
    'Now ends',
    `${shownMoment(status.expiresAt)} · at most ${escapeText(status.maxTotalDuration ?? '')} in all`,
  ]);
  // The facts first, in fields; the reason the requester typed last, on one line.
  const summary: KnownBlock[] = [
    section(`*${mention(status.requester.slackUserId)} asks to extend production access*`),
    factFields(facts),
    ...permissionSetContext(status),
    ...(pending ? [reasonSection('Reason', pending.reason)] : []),
  ];
  if (event === 'extension_requested') {
    return {
      text: `${mention(status.requester.slackUserId)} asks to extend production access by ${escapeText(asked.duration)}`,
      blocks: [
        ...summary,
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
      ? `Extended by ${mention(last?.actor ?? 'unknown')} — access until ${shownMoment(status.expiresAt)}`
      : `Extension denied by ${mention(last?.actor ?? 'unknown')}: ${escapeLine(last?.reason ?? '')}`;
  return { text: outcome, blocks: [...summary, section(outcome)] };
}
