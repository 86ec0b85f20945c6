/**
 * An extension request in the approvers' channel; after a decision it shows the outcome instead of buttons.
 */
import type { GrantStatus, NoticeType } from '../domain/grant';
import { button, section, targetLine, type SlackMessage } from './blocks';
import { ACTIONS } from './ids';
import { escapeText, mention, shownMoment } from './text';

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
    `*Now ends:* ${shownMoment(status.expiresAt)} · at most ${escapeText(status.maxTotalDuration ?? '')} in all`;
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
      ? `Extended by ${mention(last?.actor ?? 'unknown')} — access until ${shownMoment(status.expiresAt)}`
      : `Extension denied by ${mention(last?.actor ?? 'unknown')}: ${escapeText(last?.reason ?? '')}`;
  return { text: outcome, blocks: [section(summary), section(outcome)] };
}
