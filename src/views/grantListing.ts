/**
 * One grant as `/prod-access who` and `/prod-access history` list it, and the pieces of its line both lists share.
 */
import { catalogTargetText, permissionSetName, type ShownTarget } from './target';
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
  /** ProdAccessTarget: the catalog target's key, or `<account>/<permission set ARN>` for grants without one. */
  target?: string;
  /**
   * The catalog target the grant covers, from its status (`catalogTarget`), or the catalog's entry for its key
   * (shownTargetOf) when the status query did not answer: shown with its name and every account.
   */
  catalogTarget?: ShownTarget;
  reason?: string;
  approver?: string;
  requestedAt?: Date | string;
  grantedAt?: Date | string;
  expiresAt?: Date | string;
  endedAt?: Date | string;
}

/** Slack allows 50 blocks a message; the rest are counted, with where to see them all. */
export const MAX_LISTED = 40;

/**
 * Where a listed grant is: a catalog target's name, key and accounts; else `<permission set name> @ <account>` from
 * an `<account>/<permission set>` key; else the key as it is (a catalog key the catalog no longer has).
 */
export function targetText(grant: Pick<GrantListing, 'target' | 'catalogTarget'>): string {
  if (grant.catalogTarget) return catalogTargetText(grant.catalogTarget);
  const { target } = grant;
  if (!target) return 'unknown target';
  const slash = target.indexOf('/');
  return slash < 0
    ? escapeText(target)
    : `${escapeText(permissionSetName(target.slice(slash + 1)))} @ ${escapeText(target.slice(0, slash))}`;
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
