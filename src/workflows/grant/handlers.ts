/**
 * The grant's messages: the `status` query, the `approve`/`deny`/`extend` updates with their validators (server-side
 * authorization of every click, before an update is accepted into history) and the `revoke` signal. Deciding the
 * request and deciding a pending extension are two paths: the same buttons, different questions.
 */
import { ApplicationFailure, setHandler } from '@temporalio/workflow';
import { formatDuration, parseDuration } from '../../domain/duration';
import { Refusal } from '../../domain/errors';
import type {
  ActiveGrant,
  Decision,
  DecisionResult,
  Extension,
  ExtensionResult,
  PendingExtension,
  ProofAction,
} from '../../domain/grant';
import { checkDecision, checkExtension, readRevocation } from '../../domain/inputs';
import {
  decidesExtension,
  isExtendable,
  isSlackUser,
  mayDecideExtension,
  mayDecideRequest,
  mayExtend,
  READ_AT_CLICK,
  type Approvers,
  type PolicyDecision,
} from '../../domain/policy';
import { askExtension, dropExtension, moveExpiry } from '../../domain/transitions';
import { approveUpdate, denyUpdate, extendUpdate, revokeSignal, statusQuery } from '../definitions';
import { approverRule } from './activities';
import { describeFailure } from './failures';
import { checkProof } from './frontDoor';
import type { Grant } from './state';

type Outcome = 'approved' | 'denied';
type Action = 'approve' | 'deny';

/** Sets every handler; called once, before the story takes its first step. */
export function wireHandlers(grant: Grant): void {
  const v2 = grant.version.v2;
  setHandler(statusQuery, () => grant.status);
  if (grant.request.slack) {
    const onDecision =
      (outcome: Outcome) =>
      async (given: Decision): Promise<DecisionResult> => {
        const action = outcome === 'approved' ? 'approve' : 'deny';
        const checked = v2 ? checkDecision(given, action) : undefined;
        const input = checked?.ok ? checked.value : given;
        let rule: string | undefined;
        if (grant.version.proofs) {
          await requireProof(grant, action, given, input.by);
          // v4: is the person an approver now (a group read at the click, not when the request came)?
          if (grant.version.catalogTargets) rule = await approverNow(grant, input.by, action);
          // The grant may have moved on while the proof was checked (another decision, a revoke): ask again.
          validateDecision(grant, given, action);
        }
        const { status } = grant;
        // Only active access has an extension to decide (the validator made sure it is not being revoked).
        if (status.state === 'active' && status.pendingExtension)
          return decideExtension(grant, status, status.pendingExtension, outcome, input);
        return decideRequest(grant, outcome, input, rule);
      };
    setHandler(approveUpdate, onDecision('approved'), {
      validator: (input) => validateDecision(grant, input, 'approve'),
    });
    setHandler(denyUpdate, onDecision('denied'), { validator: (input) => validateDecision(grant, input, 'deny') });
  }
  setHandler(extendUpdate, (input) => extend(grant, input), { validator: (input) => validateExtension(grant, input) });
  setHandler(revokeSignal, (input) => {
    // Ending access is always safe, so a malformed signal still revokes; the audit shows what was missing.
    grant.revocation ??= v2
      ? readRevocation(input)
      : {
          by: nonEmpty(input?.by) ?? 'unknown (revoke signal without "by")',
          reason: nonEmpty(input?.reason) ?? 'no reason given',
        };
  });
}

/** The request itself is decided: the story, waiting for a decision, goes on. */
function decideRequest(grant: Grant, outcome: Outcome, input: Decision, approverRule?: string): DecisionResult {
  grant.decision = { by: input.by, reason: input.reason?.trim(), outcome, ...(approverRule ? { approverRule } : {}) };
  return { state: outcome === 'approved' ? 'active' : 'denied', by: input.by };
}

/** The requester's pending extension is decided: approved, the expiry moves; denied, it stays. */
async function decideExtension(
  grant: Grant,
  status: ActiveGrant,
  pending: PendingExtension,
  outcome: Outcome,
  input: Decision,
): Promise<DecisionResult> {
  if (outcome === 'approved') {
    await applyExtension(grant, status, input.by, pending.duration, pending.reason);
  } else {
    await grant.transition('extension_denied', dropExtension(status), input.by, input.reason?.trim(), {
      duration: pending.duration,
    });
  }
  return { state: 'active', by: input.by };
}

/** From the requester, a request to the approvers; from an approver or an operator, the expiry moves at once. */
async function extend(grant: Grant, given: Extension): Promise<ExtensionResult> {
  const checked = grant.version.v2 ? checkExtension(given) : undefined;
  const input = checked?.ok ? checked.value : given;
  if (grant.version.proofs) {
    await requireProof(grant, 'extend', given, input.by);
    // v4: a Slack user other than the requester extends as an approver, read now.
    if (grant.version.catalogTargets && isSlackUser(input.by) && !grant.isRequester(input.by))
      await approverNow(grant, input.by, 'extend');
    validateExtension(grant, given);
  }
  const status = activeOnly(grant);
  const pending = {
    by: input.by,
    duration: formatDuration(parseDuration(input.duration)),
    reason: input.reason.trim(),
  };
  if (grant.isRequester(input.by)) {
    await grant.transition(
      'extension_requested',
      askExtension(status, { ...pending, requestedAt: new Date().toISOString() }),
      input.by,
      pending.reason,
      { duration: pending.duration },
    );
    // The expiry as it stands once the request is recorded (an approver may have moved it meanwhile).
    return { outcome: 'requested', expiresAt: grant.status.expiresAt ?? status.expiresAt };
  }
  return applyExtension(grant, status, pending.by, pending.duration, pending.reason);
}

async function applyExtension(
  grant: Grant,
  status: ActiveGrant,
  by: string,
  duration: string,
  reason: string,
): Promise<ExtensionResult> {
  const previous = status.expiresAt;
  const expiresAt = new Date(Date.parse(previous) + parseDuration(duration)).toISOString();
  // The new expiry is in place before anything is awaited: the timer moves, and a second extension sees it.
  await grant.transition('extended', moveExpiry(status, expiresAt), by, reason, {
    duration,
    previousExpiresAt: previous,
    expiresAt,
  });
  return { outcome: 'extended', expiresAt };
}

/** v3: acts only on what Keycard's front door sent; anything else is refused (audited and alerted by checkProof). */
async function requireProof(grant: Grant, action: ProofAction, input: Decision | Extension, by: string) {
  const verdict = await checkProof(grant, action, input, by);
  if (!verdict.ok)
    refuse(
      Refusal.noProof,
      `Keycard refused this ${action}: ${verdict.problem}. Use Slack or the keycard CLI; nothing was changed.`,
    );
}

/**
 * v4: the approvers entry that makes `by` an approver now, read from Slack (cached briefly by the worker); a refusal
 * otherwise, and when Slack cannot say. Nothing changes on a refusal: the click can be made again.
 */
async function approverNow(grant: Grant, by: string, action: 'approve' | 'deny' | 'extend'): Promise<string> {
  const approvers = grant.request.slack?.approvers ?? [];
  let rule: string | undefined;
  try {
    rule = await approverRule({ approvers, person: by });
  } catch (error) {
    refuse(
      Refusal.notReady,
      `Keycard could not ask Slack who approves now (${describeFailure(error)}). Try again in a minute; nothing was changed.`,
    );
  }
  if (!rule) {
    const what = action === 'extend' ? 'extend production access' : `${action} production access requests`;
    refuse(Refusal.notAnApprover, `Only Keycard approvers can ${what}.`);
  }
  return rule;
}

/** v4 asks the approvers' membership at the click (approverNow), so a validator does not refuse on an older list. */
function approversForValidation(grant: Grant): Approvers {
  if (!grant.approvers) return undefined;
  return grant.version.catalogTargets ? READ_AT_CLICK : grant.approvers;
}

function refuse(type: string, message: string): never {
  throw ApplicationFailure.create({ type, message, nonRetryable: true });
}

function refuseUnless(decision: PolicyDecision): void {
  if (!decision.allowed) refuse(decision.refusal, decision.message);
}

/**
 * Only active access has a span to extend: the status, narrowed, or the refusal isExtendable gives anything else
 * (mayExtend asks it first, so a validator refuses the same way; the handlers never see anything else).
 */
function activeOnly(grant: Grant): ActiveGrant {
  const { status } = grant;
  if (status.state === 'active') return status;
  const extendable = isExtendable(status.state, grant.revoking);
  return refuse(Refusal.notActive, extendable.allowed ? `This grant is ${status.state}.` : extendable.message);
}

function validateDecision(grant: Grant, given: Decision, action: Action): void {
  let input = given;
  if (grant.version.v2) {
    const checked = checkDecision(given, action);
    if (!checked.ok) refuse(checked.type, checked.message);
    input = checked.value;
  } else if (typeof input?.by !== 'string' || input.by === '')
    refuse(Refusal.invalidDecision, 'A decision needs "by".');
  const { status } = grant;
  const common = {
    actor: input.by,
    action,
    reason: nonEmpty(input.reason),
    requester: grant.request.requester,
    approvers: approversForValidation(grant),
  };
  const pending = status.pendingExtension;
  // decidesExtension holds only for active access with an extension asked for; the other checks tell the types.
  if (decidesExtension(status.state, pending !== undefined, grant.revoking) && status.state === 'active' && pending) {
    refuseUnless(
      mayDecideExtension({
        ...common,
        grantedAt: status.grantedAt,
        expiresAt: status.expiresAt,
        maxTotalDuration: grant.maxTotalDuration,
        pendingDuration: pending.duration,
      }),
    );
  } else {
    refuseUnless(
      mayDecideRequest({ ...common, state: status.state, decision: grant.decision, revokedBy: grant.revocation?.by }),
    );
  }
}

function validateExtension(grant: Grant, given: Extension): void {
  const { status } = grant;
  let input = given;
  let durationMs = 0;
  if (grant.version.v2) {
    const checked = checkExtension(given);
    if (!checked.ok) refuse(checked.type, checked.message);
    input = checked.value;
    durationMs = checked.value.durationMs;
  } else {
    // v1 checked the input around the state, in this order; its refusals keep their order.
    if (typeof input?.by !== 'string' || input.by.trim() === '')
      refuse(Refusal.invalidExtension, 'An extension needs "by".');
    refuseUnless(isExtendable(status.state, grant.revoking));
    try {
      durationMs = parseDuration(String(input.duration));
    } catch {
      refuse(Refusal.invalidExtension, `"${input.duration}" is not a duration: write it like 30m or 1h.`);
    }
    if (!nonEmpty(input.reason)) refuse(Refusal.reasonRequired, 'Say why the access must last longer.');
  }
  const active = activeOnly(grant);
  refuseUnless(
    mayExtend({
      actor: input.by,
      durationMs,
      requester: grant.request.requester,
      approvers: approversForValidation(grant),
      state: active.state,
      revoking: grant.revoking,
      fromSlack: grant.request.slack !== undefined,
      hasPendingExtension: active.pendingExtension !== undefined,
      grantedAt: active.grantedAt,
      expiresAt: active.expiresAt,
      maxTotalDuration: grant.maxTotalDuration,
    }),
  );
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}
