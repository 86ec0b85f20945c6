/**
 * The direct messages the requester gets as their request moves: decided, granted, warned, extended, ended.
 */
import { endingOf } from '../domain/ending';
import type { GrantStatus, NoticeType } from '../domain/grant';
import { button, plain, revokeActions, section, targetLine, type SlackMessage } from './blocks';
import { ACTIONS } from './ids';
import { escapeLine, mention, shownMoment } from './text';

/** The DM for `event`, or nothing when that event is not the requester's to hear about. */
export function requesterNotice(status: GrantStatus, event: NoticeType, workflowId: string): SlackMessage | undefined {
  // A catalog target reads as a place (`production access to Production admin (prod-admin) in …`).
  const what = status.catalogTarget
    ? `production access to ${targetLine(status)}`
    : `production access (${targetLine(status)})`;
  switch (event) {
    case 'approved':
      return plain(`${mention(status.approvedBy ?? 'unknown')} approved your request for ${what}. Granting it now…`);
    case 'denied':
      return plain(
        `${mention(status.deniedBy ?? 'unknown')} denied your request for ${what}: ${escapeLine(status.denyReason ?? '')}`,
      );
    case 'expired':
      return plain(`Your request for ${what} expired: no approver answered in time. Ask again if you still need it.`);
    case 'granted': {
      const text = `You have ${what} until ${shownMoment(status.expiresAt)}.`;
      return { text, blocks: [section(text), revokeActions(workflowId)] };
    }
    case 'revoked':
      return plain(
        endingOf(status) === 'expired'
          ? `Your ${what} ended at ${shownMoment(status.revokedAt)}.`
          : `Your ${what} was revoked by ${mention(status.revokedBy ?? 'unknown')} at ${shownMoment(status.revokedAt)}: ${escapeLine(status.revokeReason ?? '')}`,
      );
    case 'grant_failed':
      return plain(`Your ${what} could not be granted: ${escapeLine(status.failureReason ?? 'unknown failure')}`);
    case 'expiry_warning': {
      // Which access, for a catalog target: a person may hold several at once.
      const text = status.catalogTarget
        ? `Your ${what} ends at ${shownMoment(status.expiresAt)}.`
        : `Your prod access ends at ${shownMoment(status.expiresAt)}.`;
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
      return plain(`${mention(by)} extended your ${what} until ${shownMoment(status.expiresAt)}.`);
    }
    case 'extension_denied': {
      const last = status.history.at(-1);
      return plain(
        `${mention(last?.actor ?? 'unknown')} denied your extension: ${escapeLine(last?.reason ?? '')}. Your access still ends at ${shownMoment(status.expiresAt)}.`,
      );
    }
    default:
      return undefined;
  }
}
