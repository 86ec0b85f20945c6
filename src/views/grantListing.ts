/**
 * One grant as `/prod-access who` and `/prod-access history` list it, and the pieces of its line both lists share.
 */
import { escapeLine, escapeText, mention } from './text';

/** Temporal's visibility (search attributes) filled in from the grant's `status` query when it answered in time. */
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
export const MAX_LISTED = 40;

/** `<permission set name> @ <account>` from a target key. */
export function targetText(target: string | undefined): string {
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

export function whoText(grant: GrantListing): string {
  const who = grant.requesterSlackId ? mention(grant.requesterSlackId) : '';
  const email = grant.requesterEmail ? escapeText(grant.requesterEmail) : '';
  return who && email ? `${who} (${email})` : who || email || 'unknown requester';
}

/** The reason as a quote on one line: a line break in it cannot start a line of its own. */
export function reasonLine(grant: GrantListing): string {
  return grant.reason === undefined ? '' : `\n>${escapeLine(grant.reason)}`;
}
