/**
 * `/prod-access history`: the requester's own last requests, newest first, with what became of each.
 */
import { formatUtc } from '../domain/time';
import { plain, section, type SlackMessage } from './blocks';
import { MAX_LISTED, reasonLine, targetText, type GrantListing } from './grantListing';
import { escapeText, mention } from './text';

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
        `${asked}${targetText(grant)} · ${outcomeText(grant, now)}${granted}${granted ? approved : ''}${reasonLine(grant)}`,
      ),
    );
  }
  return { text: header.replace(/\*/g, ''), blocks };
}
