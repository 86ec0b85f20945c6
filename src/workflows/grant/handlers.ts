/**
 * The grant's messages: the `status` query, the `approve`/`deny`/`extend` updates with their validators (server-side
 * authorization of every click, before an update is accepted into history) and the `revoke` signal. Deciding the
 * request and deciding a pending extension are two paths: the same buttons, different questions.
 */
import { ApplicationFailure, setHandler } from '@temporalio/workflow';
import { formatDuration, parseDuration } from '../../domain/duration';
import { Refusal } from '../../domain/errors';
import type { Decision, DecisionResult, Extension, ExtensionResult } from '../../domain/grant';
import { checkDecision, checkExtension, readRevocation } from '../../domain/inputs';
import {
  decidesExtension,
  isExtendable,
  mayDecideExtension,
  mayDecideRequest,
  mayExtend,
  type PolicyDecision,
} from '../../domain/policy';
import { approveUpdate, denyUpdate, extendUpdate, revokeSignal, statusQuery } from '../definitions';
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
        const checked = v2 ? checkDecision(given, outcome === 'approved' ? 'approve' : 'deny') : undefined;
        const input = checked?.ok ? checked.value : given;
        if (grant.status.pendingExtension) return decideExtension(grant, outcome, input);
        return decideRequest(grant, outcome, input);
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
function decideRequest(grant: Grant, outcome: Outcome, input: Decision): DecisionResult {
  grant.decision = { by: input.by, reason: input.reason?.trim(), outcome };
  return { state: outcome === 'approved' ? 'active' : 'denied', by: input.by };
}

/** The requester's pending extension is decided: approved, the expiry moves; denied, it stays. */
async function decideExtension(grant: Grant, outcome: Outcome, input: Decision): Promise<DecisionResult> {
  const pending = grant.status.pendingExtension as Extension;
  if (outcome === 'approved') {
    await applyExtension(grant, input.by, pending.duration, pending.reason);
  } else {
    await grant.transition('extension_denied', { pendingExtension: undefined }, input.by, input.reason?.trim(), {
      duration: pending.duration,
    });
  }
  return { state: 'active', by: input.by };
}

/** From the requester, a request to the approvers; from an approver or an operator, the expiry moves at once. */
async function extend(grant: Grant, given: Extension): Promise<ExtensionResult> {
  const checked = grant.version.v2 ? checkExtension(given) : undefined;
  const input = checked?.ok ? checked.value : given;
  const pending = {
    by: input.by,
    duration: formatDuration(parseDuration(input.duration)),
    reason: input.reason.trim(),
  };
  if (grant.isRequester(input.by)) {
    await grant.transition(
      'extension_requested',
      { pendingExtension: { ...pending, requestedAt: new Date().toISOString() } },
      input.by,
      pending.reason,
      { duration: pending.duration },
    );
    return { outcome: 'requested', expiresAt: grant.status.expiresAt as string };
  }
  return applyExtension(grant, pending.by, pending.duration, pending.reason);
}

async function applyExtension(grant: Grant, by: string, duration: string, reason: string): Promise<ExtensionResult> {
  const previous = grant.status.expiresAt as string;
  const expiresAt = new Date(Date.parse(previous) + parseDuration(duration)).toISOString();
  // The new expiry is in place before anything is awaited: the timer moves, and a second extension sees it.
  await grant.transition('extended', { expiresAt, pendingExtension: undefined }, by, reason, {
    duration,
    previousExpiresAt: previous,
    expiresAt,
  });
  return { outcome: 'extended', expiresAt };
}

function refuse(type: string, message: string): never {
  throw ApplicationFailure.create({ type, message, nonRetryable: true });
}

function refuseUnless(decision: PolicyDecision): void {
  if (!decision.allowed) refuse(decision.refusal, decision.message);
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
    approvers: grant.approvers,
  };
  if (decidesExtension(status.state, status.pendingExtension !== undefined, grant.revoking)) {
    refuseUnless(
      mayDecideExtension({
        ...common,
        grantedAt: status.grantedAt as string,
        expiresAt: status.expiresAt as string,
        maxTotalDuration: status.maxTotalDuration as string,
        pendingDuration: status.pendingExtension?.duration as string,
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
  refuseUnless(
    mayExtend({
      actor: input.by,
      durationMs,
      requester: grant.request.requester,
      approvers: grant.approvers,
      state: status.state,
      revoking: grant.revoking,
      fromSlack: grant.request.slack !== undefined,
      hasPendingExtension: status.pendingExtension !== undefined,
      grantedAt: status.grantedAt as string,
      expiresAt: status.expiresAt as string,
      maxTotalDuration: status.maxTotalDuration as string,
    }),
  );
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}
