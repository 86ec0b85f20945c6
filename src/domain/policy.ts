/**
 * Who may do what to a grant: decide a request, decide a pending extension, extend, revoke, see the live grants.
 * One pure function per question, from plain data to a decision; a refusal carries its type (Refusal) and the words
 * the person reads. The workflow's update validators and the Slack app both ask here, so they never disagree.
 * The shape of the input (is "by" a string, is the duration one) is inputs.ts's business, checked before.
 */
import { formatDuration, parseDuration } from './duration';
import { Refusal, type RefusalType } from './errors';
import type { GrantState, Requester } from './grant';

export type PolicyDecision = { allowed: true } | { allowed: false; refusal: RefusalType; message: string };

const ALLOWED: PolicyDecision = { allowed: true };

function refused(refusal: RefusalType, message: string): PolicyDecision {
  return { allowed: false, refusal, message };
}

/**
 * Approvers whose membership is read when they click (v4 grants: the workflow asks Slack after the update is
 * accepted, src/workflows/grant/handlers.ts), so a validator does not refuse someone added to a group since.
 */
export const READ_AT_CLICK = 'read-at-click';

/**
 * Who may decide: Slack user ids, user groups expanded; READ_AT_CLICK when that is asked afterwards. Undefined while
 * the request is still being prepared.
 */
export type Approvers = ReadonlySet<string> | readonly string[] | typeof READ_AT_CLICK | undefined;

function includes(approvers: Approvers, actor: string): boolean {
  if (!approvers) return false;
  if (approvers === READ_AT_CLICK) return true;
  return 'has' in approvers ? approvers.has(actor) : approvers.includes(actor);
}

/** A Slack user id (U…/W…): anyone else reached the workflow through Temporal itself (the CLI), as an operator. */
export function isSlackUser(actor: string): boolean {
  return /^[UW][A-Z0-9]{2,}$/.test(actor);
}

export interface RequestDecisionFacts {
  actor: string;
  action: 'approve' | 'deny';
  /** The decision's reason, already trimmed (deny needs one). */
  reason?: string;
  requester: Requester;
  approvers: Approvers;
  state: GrantState;
  /** A decision the workflow already took. */
  decision?: { outcome: 'approved' | 'denied'; by: string };
  /** Who revoked, if a revoke arrived. */
  revokedBy?: string;
}

/** Approve or deny a pending request: an approver, never the requester, only while nobody decided or withdrew it. */
export function mayDecideRequest(facts: RequestDecisionFacts): PolicyDecision {
  if (facts.decision || facts.state !== 'pending' || facts.revokedBy !== undefined) {
    return refused(Refusal.alreadyDecided, `This request is no longer pending: ${decidedAs(facts)}.`);
  }
  return mayDecide(facts);
}

function decidedAs(facts: RequestDecisionFacts): string {
  if (facts.decision) return `${facts.decision.outcome} by ${facts.decision.by}`;
  if (facts.revokedBy !== undefined && facts.state === 'pending') return `withdrawn by ${facts.revokedBy}`;
  return facts.state;
}

function mayDecide(facts: Omit<RequestDecisionFacts, 'state'>): PolicyDecision {
  if (!facts.approvers)
    return refused(Refusal.notReady, 'Keycard is still preparing this request; try again in a few seconds.');
  if (facts.actor === facts.requester.slackUserId)
    return refused(Refusal.selfApproval, 'You cannot decide your own request.');
  if (!includes(facts.approvers, facts.actor))
    return refused(Refusal.notAnApprover, `Only Keycard approvers can ${facts.action} production access requests.`);
  if (facts.action === 'deny' && !facts.reason) return refused(Refusal.reasonRequired, 'Say why you deny the request.');
  return ALLOWED;
}

/** How long a grant would last, extensions included, from the moment it was granted. */
export interface GrantSpan {
  grantedAt: string;
  expiresAt: string;
  /** The longest total allowed, e.g. '12h'. */
  maxTotalDuration: string;
}

function totalWith(span: GrantSpan, extraMs: number): number {
  return Date.parse(span.expiresAt) + extraMs - Date.parse(span.grantedAt);
}

export interface ExtensionDecisionFacts extends GrantSpan {
  actor: string;
  action: 'approve' | 'deny';
  reason?: string;
  requester: Requester;
  approvers: Approvers;
  /** The pending extension's duration, e.g. '1h'. */
  pendingDuration: string;
}

/**
 * Approve or deny the extension the requester asked for (an active grant, not being revoked): an approver, never the
 * requester; approving must keep the grant within its longest total.
 */
export function mayDecideExtension(facts: ExtensionDecisionFacts): PolicyDecision {
  const decided = mayDecide(facts);
  if (!decided.allowed) return decided;
  if (
    facts.action === 'approve' &&
    totalWith(facts, parseDuration(facts.pendingDuration)) > parseDuration(facts.maxTotalDuration)
  ) {
    return refused(
      Refusal.maxDurationExceeded,
      `Approving would make this grant last longer than ${facts.maxTotalDuration}.`,
    );
  }
  return ALLOWED;
}

/** Is there a pending extension to decide (rather than the request itself)? */
export function decidesExtension(state: GrantState, hasPendingExtension: boolean, revoking: boolean): boolean {
  return state === 'active' && hasPendingExtension && !revoking;
}

/** Only active access, not being revoked, can be extended. */
export function isExtendable(state: GrantState, revoking: boolean): PolicyDecision {
  if (state !== 'active')
    return refused(Refusal.notActive, `Only active access can be extended; this grant is ${state}.`);
  if (revoking) return refused(Refusal.notActive, 'This access is being revoked; it cannot be extended.');
  return ALLOWED;
}

export interface ExtendFacts extends GrantSpan {
  actor: string;
  durationMs: number;
  requester: Requester;
  approvers: Approvers;
  state: GrantState;
  revoking: boolean;
  /** A Slack request: its requester may ask for more time (the approvers decide). */
  fromSlack: boolean;
  hasPendingExtension: boolean;
}

/**
 * Move an expiry: the requester only asks (Slack grants, one request at a time); a Slack user must be an approver;
 * anyone else reached the workflow through Temporal itself (the CLI), which only operators can. Never past the
 * longest total.
 */
export function mayExtend(facts: ExtendFacts): PolicyDecision {
  const extendable = isExtendable(facts.state, facts.revoking);
  if (!extendable.allowed) return extendable;
  const total = totalWith(facts, facts.durationMs);
  if (total > parseDuration(facts.maxTotalDuration)) {
    return refused(
      Refusal.maxDurationExceeded,
      `That would make this grant last ${formatDuration(total)}; the most is ${facts.maxTotalDuration}. Ask for a new grant instead.`,
    );
  }
  if (facts.actor === facts.requester.slackUserId || facts.actor === facts.requester.email) {
    if (!facts.fromSlack) return refused(Refusal.notAnApprover, 'You cannot extend your own access.');
    if (facts.hasPendingExtension)
      return refused(Refusal.alreadyRequested, 'You already asked for an extension; it is waiting for an approver.');
  } else if (isSlackUser(facts.actor) && !includes(facts.approvers, facts.actor)) {
    return refused(Refusal.notAnApprover, 'Only Keycard approvers can extend production access.');
  }
  return ALLOWED;
}

/** Revoke from Slack: the requester or an approver. (Whether anything is left to revoke is the grant's state.) */
export function mayRevoke(facts: { actor: string; requester: Requester; approvers: Approvers }): PolicyDecision {
  if (facts.actor === facts.requester.slackUserId || includes(facts.approvers, facts.actor)) return ALLOWED;
  return refused(Refusal.notAllowed, 'Only the requester or an approver can revoke this access.');
}

/** `/prod-access who`, every live grant: approvers only (they decide them; others see only their own). */
export function maySeeLiveGrants(facts: { actor: string; approvers: Approvers }): PolicyDecision {
  if (includes(facts.approvers, facts.actor)) return ALLOWED;
  return refused(
    Refusal.notAllowed,
    'Only Keycard approvers can see who holds production access. `/prod-access history` shows your own grants.',
  );
}
