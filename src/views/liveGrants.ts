/**
 * `/prod-access who`, for approvers: every live grant, who holds it, why, approved by whom, until when.
 */
import { formatUtc } from '../domain/time';
import { plain, section, type SlackMessage } from './blocks';
import { MAX_LISTED, reasonLine, targetText, whoText, type GrantListing } from './grantListing';
import { mention } from './text';

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
      section(`${whoText(grant)} · ${targetText(grant)}${since}${until}${approved}${reasonLine(grant)}${stopped}`),
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
