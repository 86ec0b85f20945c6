/**
 * The names operators and the Slack app use to talk to a grant workflow. Imported by the workflow, the Slack side,
 * the tests and the README's CLI commands; keep them stable.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Decision, DecisionResult, Extension, ExtensionResult, GrantStatus, Revocation } from '../domain/grant';

/** End access now: `temporal workflow signal -w prod-access-<id> --name revoke --input '{"by":"…","reason":"…"}'`. */
export const revokeSignal = defineSignal<[Revocation]>('revoke');

/** What the grant is doing now: `temporal workflow query -w prod-access-<id> --name status`. */
export const statusQuery = defineQuery<GrantStatus>('status');

/**
 * Approve a pending request, sent by the Slack app with a front-door proof. Validated in the workflow: an approver,
 * not the requester, only while pending; then the proof is checked (v3).
 */
export const approveUpdate = defineUpdate<DecisionResult, [Decision]>('approve');

/** Deny a pending request, with a reason. Same validation as approve. */
export const denyUpdate = defineUpdate<DecisionResult, [Decision]>('deny');

/**
 * Extend an active grant: `keycard extend <id> --duration 1h --reason "incident still open"` (the input needs a proof
 * from Keycard's front door, so the bare `temporal` CLI is refused). By the requester, it asks the approvers.
 */
export const extendUpdate = defineUpdate<ExtensionResult, [Extension]>('extend');

export const searchAttributes = {
  state: defineSearchAttributeKey('ProdAccessState', SearchAttributeType.KEYWORD),
  requester: defineSearchAttributeKey('ProdAccessRequester', SearchAttributeType.KEYWORD),
  approver: defineSearchAttributeKey('ProdAccessApprover', SearchAttributeType.KEYWORD),
  target: defineSearchAttributeKey('ProdAccessTarget', SearchAttributeType.KEYWORD),
  expiresAt: defineSearchAttributeKey('ProdAccessExpiresAt', SearchAttributeType.DATETIME),
} as const;

/** Name → type, for registering with a server (`temporal operator search-attribute create` or the dev server flag). */
export const searchAttributeDefinitions = Object.values(searchAttributes).map((key) => ({
  name: key.name,
  type: key.type,
}));

/**
 * Identity Center activities run on a task queue of their own, `<task queue>-identity-center`, whose rate the
 * Temporal server enforces across every worker (IDENTITY_CENTER_RATE): a burst of expiries never trips AWS throttling.
 */
export function identityCenterTaskQueue(taskQueue: string): string {
  return `${taskQueue}-identity-center`;
}
