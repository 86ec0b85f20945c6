/**
 * The App Home: how to ask, and the person's live grants with a way to end each.
 */
import type { KnownBlock } from '@slack/web-api';
import { formatUtc } from '../domain/time';
import { button, section } from './blocks';
import { ACTIONS } from './ids';
import { channelLink, escapeText } from './text';

/** A live grant as Temporal's visibility shows it (search attributes only: the App Home must open fast). */
export interface HomeGrant {
  workflowId: string;
  expiresAt?: Date;
  /** `<account>/<permission set ARN>`. */
  target?: string;
}

export function homeView(liveGrants: HomeGrant[], approverChannel: string): { type: 'home'; blocks: KnownBlock[] } {
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
