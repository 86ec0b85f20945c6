/**
 * The request and grant types every part of Keycard shares. Pure data: no imports from the edges.
 */

export const DEFAULT_GRANT_DURATION = '4h';

/** Where access is granted: one permission set in one AWS account. */
export interface Target {
  accountId: string;
  permissionSetArn: string;
}

/**
 * A catalog target as a request names it (requests since `catalog-targets`): its key (ProdAccessTarget), the name
 * people read, the permission set, every account one grant assigns it in, and the rule that let the person ask. The
 * request's `target` is its first account, so readers of older statuses keep working.
 */
export interface RequestedTarget {
  key: string;
  name: string;
  permissionSetArn: string;
  /** In the catalog's order; one grant assigns in each and revokes each. */
  accounts: { id: string; name: string }[];
  /** Why this person may ask, for the audit trail: 'everyone', or the `requesters` entry that matched (U… or S…). */
  requesterRule: string;
}

export interface Requester {
  slackUserId: string;
  email: string;
  /**
   * The Identity Center user the Slack email was bound to, as approvers are shown it (Slack requests started since
   * the lookup returned it). It travels with the requester, so every status and message of the grant carries it.
   */
  identityCenterUser?: IdentityCenterUserName;
}

/** How Identity Center names a user: its UserName (unique in the store) and its DisplayName. */
export interface IdentityCenterUserName {
  userName: string;
  displayName?: string;
}

/** How a request that came through Slack is decided: who may approve, where they are asked, how long they have. */
export interface SlackRouting {
  approverChannel: string;
  /** Slack user IDs (U…/W…) and user-group IDs (S…); groups are expanded to their members when the request starts. */
  approvers: string[];
  /** A pending request nobody decides within this time expires, e.g. '1h'. */
  requestTimeout: string;
}

export const DEFAULT_MAX_TOTAL_DURATION = '12h';
export const DEFAULT_EXPIRY_WARNING = '15m';

export interface GrantLimits {
  /** A grant, extensions included, never lasts longer than this from the moment it was granted. */
  maxTotalDuration?: string;
  /** Slack grants warn the requester this long before the end, with a way to ask for more. */
  expiryWarning?: string;
}

/** What a proof from Keycard's front door is about (src/services/frontDoor.ts). */
export type ProofAction = 'request' | 'approve' | 'deny' | 'extend';

/**
 * A proof that Keycard's front door (the Slack app, the `keycard` CLI) sent this input: the worker refuses a request,
 * a decision or an extension without a valid one. The key that makes it is never in a workflow's input or history.
 */
export interface FrontDoorProof {
  /** Who signed: 'slack', or 'cli:<operator>'. */
  signer: string;
  /** ISO time it was made. */
  issuedAt: string;
  /** Accepted once per grant. */
  nonce: string;
  /** HMAC-SHA256, base64url. */
  mac: string;
}

/** What the prodAccess workflow is started with. */
export interface AccessRequest {
  requestId: string;
  requester: Requester;
  reason: string;
  /** Where access is granted; with a catalog target, its first account (catalogTarget lists every one). */
  target: Target;
  /** The catalog target asked for (Slack requests since `catalog-targets`): every account, its key and name. */
  catalogTarget?: RequestedTarget;
  /** How long access lasts once granted, e.g. '4h'. Defaults to DEFAULT_GRANT_DURATION. */
  duration?: string;
  /** Who approved the request before the workflow started (operator- or API-started grants). */
  approvedBy?: string;
  /** Requests from Slack are decided in Slack: the workflow asks the approvers and waits for `approve` or `deny`. */
  slack?: SlackRouting;
  /** The Identity Center user id, when the caller already resolved it. */
  principalId?: string;
  limits?: GrantLimits;
  /** ISO time the person asked. */
  requestedAt: string;
  /** Set by the workflow itself when a revoke that keeps failing continues as a new run: where it stood. */
  continuedRevoke?: ContinuedRevoke;
  /** Keycard's front door made this request (checked before anything is asked or assigned). */
  proof?: FrontDoorProof;
}

/** The state a failing revoke carries into a new run of the same workflow (continue-as-new), so nothing is lost. */
export interface ContinuedRevoke {
  status: GrantStatus;
  revocation: Revocation;
  principalId: string;
  /** v4: the (account, permission set) pairs this revoke still has to remove; absent: every pair of the grant. */
  targets?: Target[];
  /** v4: what the earlier runs removed already, per account, for the audit event that ends the revoke. */
  removedAccounts?: Record<string, RemovalReceipt>;
  endState: 'revoked' | 'failed';
  /** How the grant ends once the revoke is confirmed; runs continued before it existed tell it from the revocation. */
  ending?: 'expired' | 'revoked' | 'failed';
  /** The next revoke round, so alerts keep their back-off. */
  round: number;
  /** The last audit sequence number written. */
  seq: number;
  /** Where the approval message is, so the new run keeps it up to date. */
  approvalMessage?: { channel: string; ts: string };
}

/** What the audit trail keeps of one account's removal (v4). */
export interface RemovalReceipt {
  deletionRequestId: string | null;
  alreadyGone: boolean;
  /** The assignment was protected (PROTECTED_PRINCIPALS) and left in place: why. */
  keptProtected?: string;
}

/** The payload of the `revoke` signal. */
export interface Revocation {
  by: string;
  reason: string;
}

/** The payload of the `approve` and `deny` updates: the Slack user id who decided, and (for deny) why. */
export interface Decision {
  by: string;
  reason?: string;
  /** Keycard's front door sent this decision, for this run. */
  proof?: FrontDoorProof;
}

export interface DecisionResult {
  state: GrantState;
  by: string;
}

/**
 * The payload of the `extend` update. From the requester it is a request that goes to the approvers; from an
 * approver or an operator it moves the expiry at once.
 */
export interface Extension {
  by: string;
  duration: string;
  reason: string;
  /** Keycard's front door sent this extension, for this run. */
  proof?: FrontDoorProof;
}

export interface PendingExtension extends Omit<Extension, 'proof'> {
  requestedAt: string;
}

export interface ExtensionResult {
  /** 'requested': sent to the approvers; 'extended': the expiry moved. */
  outcome: 'requested' | 'extended';
  expiresAt: string;
}

/**
 * pending: asked for, not yet active; active: Identity Center confirmed the assignment; revoked: access removed
 * (at expiry, early, or by the reconciler); expired: a pending request nobody answered; denied; failed: never granted.
 */
export type GrantState = 'pending' | 'active' | 'revoked' | 'expired' | 'denied' | 'failed';

/**
 * How a grant ended, said once by the workflow, so nobody infers it from `revokedBy` and `revokeReason`:
 * - expired: access was removed at its expiry;
 * - revoked: access was removed early, by a person (the `revoke` signal, Slack, the CLI) or a cancellation;
 * - handed_over: at its expiry the person held a later grant of the same access, which carries on; nothing was removed;
 * - withdrawn: revoked before anything was assigned (v2): nothing reached Identity Center;
 * - denied: an approver denied the request, or the workflow was cancelled while the request waited;
 * - unanswered: nobody decided the request in time;
 * - failed: never granted (an unusable request, the approvers or the person could not be found, the assignment
 *   failed); whatever Identity Center half-did was removed.
 */
export type GrantEnding = 'expired' | 'revoked' | 'handed_over' | 'withdrawn' | 'denied' | 'unanswered' | 'failed';

export type GrantEventType =
  | 'requested'
  | 'approved'
  | 'denied'
  | 'expired'
  | 'granted'
  | 'grant_failed'
  | 'extension_requested'
  | 'extended'
  | 'extension_denied'
  | 'revoke_failing'
  | 'revoked'
  /** Something came in without a valid proof from Keycard's front door: refused, and nothing changed. */
  | 'refused';

/** What the requester can be told: every event, and the warning before access ends. */
export type NoticeType = GrantEventType | 'expiry_warning';

export interface GrantHistoryEntry {
  at: string;
  type: GrantEventType;
  actor: string;
  reason?: string;
}

/** A revoke that keeps failing: since when, how many rounds, and what Identity Center last said. */
export interface RevokeFailing {
  since: string;
  rounds: number;
  lastError: string;
}

/** What every status carries, whatever its state. */
interface GrantStatusBase {
  requestId: string;
  state: GrantState;
  requester: Requester;
  target: Target;
  /** The catalog target, when the request named one: the grant covers every one of its accounts. */
  catalogTarget?: RequestedTarget;
  reason: string;
  duration: string;
  approvedBy?: string;
  /** Who may decide (user groups expanded), for Slack requests. */
  approvers?: string[];
  principalId?: string;
  /** Longest total a grant may reach with extensions, e.g. '12h'. */
  maxTotalDuration?: string;
  /**
   * What happened, in order. A revoke that keeps failing adds one entry per alert, and only the latest
   * MAX_HISTORY_ENTRIES entries are kept (the audit trail keeps every event).
   */
  history: GrantHistoryEntry[];
}

/** The fields only some states have. Each state declares the others absent, so any status can be read for them. */
interface StateFields {
  grantedAt: string;
  expiresAt: string;
  /** An extension the requester asked for that no approver has decided yet. */
  pendingExtension: PendingExtension;
  revokeFailing: RevokeFailing;
  revokedAt: string;
  revokedBy: string;
  revokeReason: string;
  deniedBy: string;
  denyReason: string;
  failureReason: string;
  /** How the grant ended: set once it ended, absent while it lives. */
  ending: GrantEnding;
}

/** Every state field but `Has` is absent. */
type OnlyHas<Has extends keyof StateFields> = { [Field in Exclude<keyof StateFields, Has>]?: undefined };

/** Asked for, or approved and being granted. */
export interface PendingGrant extends GrantStatusBase, OnlyHas<'revokeFailing'> {
  state: 'pending';
  /** Removing what a failed or cancelled grant half-made keeps failing. */
  revokeFailing?: RevokeFailing;
}

/** Identity Center confirmed the assignment: the time box runs. */
export interface ActiveGrant
  extends GrantStatusBase, OnlyHas<'grantedAt' | 'expiresAt' | 'pendingExtension' | 'revokeFailing'> {
  state: 'active';
  grantedAt: string;
  expiresAt: string;
  pendingExtension?: PendingExtension;
  revokeFailing?: RevokeFailing;
}

/** What an ended grant keeps of its active days, when it had any: absent when it was never granted. */
type AfterAccess = 'grantedAt' | 'expiresAt' | 'pendingExtension';

/**
 * Access removed at its expiry or early, handed over to a later lease at its expiry, or withdrawn before anything was
 * assigned. An extension nobody decided before the end stays as it was.
 */
export interface RevokedGrant
  extends GrantStatusBase, OnlyHas<AfterAccess | 'revokedAt' | 'revokedBy' | 'revokeReason' | 'ending'> {
  state: 'revoked';
  grantedAt?: string;
  expiresAt?: string;
  pendingExtension?: PendingExtension;
  revokedAt: string;
  revokedBy: string;
  revokeReason: string;
  ending: 'expired' | 'revoked' | 'handed_over' | 'withdrawn';
}

/** Denied by an approver, or the workflow was cancelled while the request waited. */
export interface DeniedGrant extends GrantStatusBase, OnlyHas<'deniedBy' | 'denyReason' | 'ending'> {
  state: 'denied';
  deniedBy: string;
  denyReason?: string;
  ending: 'denied';
}

/** A pending request nobody decided in time (its state is `expired`). */
export interface UnansweredGrant extends GrantStatusBase, OnlyHas<'ending'> {
  state: 'expired';
  ending: 'unanswered';
}

/** Never granted (or its grant could not be recorded); whatever Identity Center half-did was removed. */
export interface FailedGrant extends GrantStatusBase, OnlyHas<AfterAccess | 'failureReason' | 'ending'> {
  state: 'failed';
  grantedAt?: string;
  expiresAt?: string;
  pendingExtension?: PendingExtension;
  failureReason: string;
  ending: 'failed';
}

/**
 * What the `status` query returns: one shape per state, with the fields that state has. The JSON field names are
 * the same in every version (operators, the Web UI and older workers read them). Statuses of runs started by older
 * code may lack `ending`: read it with endingOf() (./ending.ts), never from the field.
 */
export type GrantStatus = PendingGrant | ActiveGrant | RevokedGrant | DeniedGrant | UnansweredGrant | FailedGrant;

/**
 * Every field a status may carry, each optional: how a status reads where its state is not known, or where it may
 * come from older code (without `ending`). Every GrantStatus is one.
 */
export type GrantStatusFields = GrantStatusBase & Partial<StateFields>;

export const MAX_HISTORY_ENTRIES = 100;

export const GRANT_WORKFLOW_ID_PREFIX = 'prod-access-';

export function grantWorkflowId(requestId: string): string {
  return `${GRANT_WORKFLOW_ID_PREFIX}${requestId}`;
}

/** The ProdAccessTarget search-attribute value and the key the records index targets by. */
export function targetKey(target: Target): string {
  return `${target.accountId}/${target.permissionSetArn}`;
}

/** Every (account, permission set) a grant covers: each account of its catalog target, or its one target. */
export function grantedTargets(grant: { target: Target; catalogTarget?: RequestedTarget }): Target[] {
  const catalogTarget = grant.catalogTarget;
  if (!catalogTarget || catalogTarget.accounts.length === 0) return [grant.target];
  return catalogTarget.accounts.map((account) => ({
    accountId: account.id,
    permissionSetArn: catalogTarget.permissionSetArn,
  }));
}

/**
 * The ProdAccessTarget a grant publishes: its catalog target's key; grants without one (operators', older ones)
 * publish targetKey(target), `<account>/<permission set>`.
 */
export function publishedTargetKey(grant: { target: Target; catalogTarget?: RequestedTarget }): string {
  return grant.catalogTarget?.key ?? targetKey(grant.target);
}

/** Who Keycard itself is in the audit trail when nobody pressed a button (expiry, retries). */
export const KEYCARD_ACTOR = 'keycard';
