/**
 * What may come into a grant workflow: its start input, the `approve`/`deny`/`extend` updates and the `revoke`
 * signal. Anyone who reaches Temporal can send anything (the CLI, the Web UI, the API), so every field is checked here
 * before the workflow acts on it: types, durations of at least 1 s, bounded strings; unknown fields are ignored.
 * Pure: the workflow turns a refusal into a rejected update, the Slack edge into a message.
 */
import { formatDuration, parseDuration, parseRequestedDuration } from './duration';
import { Refusal } from './errors';
import type { AccessRequest, Decision, Extension, Revocation } from './grant';

/** Who acted: a Slack user id, an email or an operator name. */
export const MAX_ACTOR_LENGTH = 256;
/** A reason people type; Slack's own reason limit is MAX_REASON_LENGTH in requestText.ts, well under this. */
export const MAX_INPUT_REASON_LENGTH = 2_000;

export type Checked<T> = { ok: true; value: T } | { ok: false; type: string; message: string };

function refusal(type: string, message: string): { ok: false; type: string; message: string } {
  return { ok: false, type, message };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A non-empty, bounded, trimmed string, or the reason it is not one. */
function text(value: unknown, field: string, max: number): { ok: true; value: string } | { ok: false; why: string } {
  if (typeof value !== 'string') return { ok: false, why: `"${field}" must be a string` };
  const trimmed = value.trim();
  if (trimmed === '') return { ok: false, why: `"${field}" is empty` };
  if (trimmed.length > max) return { ok: false, why: `"${field}" is longer than ${max} characters` };
  return { ok: true, value: trimmed };
}

/** `approve` and `deny`: `{ "by": "U…", "reason"?: "…" }`; deny needs the reason. */
export function checkDecision(input: unknown, action: 'approve' | 'deny'): Checked<Decision> {
  const type = Refusal.invalidDecision;
  if (!isObject(input)) return refusal(type, 'A decision is an object like {"by":"U0123","reason":"…"}.');
  const by = text(input.by, 'by', MAX_ACTOR_LENGTH);
  if (!by.ok) return refusal(type, `A decision needs "by": ${by.why}.`);
  if (input.reason === undefined || input.reason === null || input.reason === '') {
    if (action === 'deny') return refusal(Refusal.reasonRequired, 'Say why you deny the request.');
    return { ok: true, value: { by: by.value } };
  }
  const reason = text(input.reason, 'reason', MAX_INPUT_REASON_LENGTH);
  if (!reason.ok) {
    if (action === 'deny' && reason.why.endsWith('is empty'))
      return refusal(Refusal.reasonRequired, 'Say why you deny the request.');
    return refusal(type, `The decision's reason is not usable: ${reason.why}.`);
  }
  return { ok: true, value: { by: by.value, reason: reason.value } };
}

/** `extend`: `{ "by": "…", "duration": "30m", "reason": "…" }`; the duration is normalised ('90m' → '1h30m'). */
export function checkExtension(input: unknown): Checked<Extension & { durationMs: number }> {
  const type = Refusal.invalidExtension;
  if (!isObject(input))
    return refusal(type, 'An extension is an object like {"by":"ops","duration":"1h","reason":"…"}.');
  const by = text(input.by, 'by', MAX_ACTOR_LENGTH);
  if (!by.ok) return refusal(type, `An extension needs "by": ${by.why}.`);
  let durationMs: number;
  try {
    durationMs = parseRequestedDuration(input.duration);
  } catch (error) {
    return refusal(type, `${(error as Error).message}.`.replace(/\.\.$/, '.'));
  }
  const reason = text(input.reason, 'reason', MAX_INPUT_REASON_LENGTH);
  if (!reason.ok) {
    if (reason.why.endsWith('is empty') || input.reason === undefined)
      return refusal(Refusal.reasonRequired, 'Say why the access must last longer.');
    return refusal(type, `The extension's reason is not usable: ${reason.why}.`);
  }
  return { ok: true, value: { by: by.value, duration: formatDuration(durationMs), durationMs, reason: reason.value } };
}

/**
 * `revoke` is never refused (ending access is always safe, and a signal cannot be refused anyway): whatever came in
 * becomes a usable revocation, cut to size, and the audit shows what was missing.
 */
export function readRevocation(input: unknown): Revocation {
  const fields = isObject(input) ? input : {};
  const by = text(fields.by, 'by', Number.MAX_SAFE_INTEGER);
  const reason = text(fields.reason, 'reason', Number.MAX_SAFE_INTEGER);
  return {
    by: by.ok ? cut(by.value, MAX_ACTOR_LENGTH) : 'unknown (revoke signal without "by")',
    reason: reason.ok ? cut(reason.value, MAX_INPUT_REASON_LENGTH) : 'no reason given',
  };
}

function cut(value: string, max: number): string {
  return value.length <= max ? value : `${value.slice(0, max - 1)}…`;
}

/**
 * The workflow's start input. A request started by hand through Temporal may be anything; one that is not a usable
 * request ends as failed, naming what was wrong, and grants nothing.
 */
export function requestProblems(request: unknown): string[] {
  if (!isObject(request)) return ['the request is not an object'];
  const problems: string[] = [];
  const need = (value: unknown, field: string, max = MAX_ACTOR_LENGTH) => {
    const checked = text(value, field, max);
    if (!checked.ok) problems.push(checked.why);
  };
  need(request.requestId, 'requestId', 128);
  need(request.reason, 'reason', MAX_INPUT_REASON_LENGTH);
  const requester = isObject(request.requester) ? request.requester : {};
  need(requester.email, 'requester.email');
  if (requester.slackUserId !== undefined) need(requester.slackUserId, 'requester.slackUserId');
  if (requester.identityCenterUser !== undefined) {
    const user = isObject(requester.identityCenterUser) ? requester.identityCenterUser : {};
    need(user.userName, 'requester.identityCenterUser.userName');
    if (user.displayName !== undefined) need(user.displayName, 'requester.identityCenterUser.displayName');
  }
  const target = isObject(request.target) ? request.target : {};
  need(target.accountId, 'target.accountId', 64);
  need(target.permissionSetArn, 'target.permissionSetArn', 2_048);
  if (request.catalogTarget !== undefined) catalogTargetProblems(request.catalogTarget, target, problems);
  if (request.duration !== undefined) durationProblem(request.duration, 'duration', problems, true);
  if (request.approvedBy !== undefined) need(request.approvedBy, 'approvedBy');
  if (request.principalId !== undefined) need(request.principalId, 'principalId');
  const limits = isObject(request.limits) ? request.limits : {};
  if (limits.maxTotalDuration !== undefined)
    durationProblem(limits.maxTotalDuration, 'limits.maxTotalDuration', problems);
  if (limits.expiryWarning !== undefined) durationProblem(limits.expiryWarning, 'limits.expiryWarning', problems);
  if (request.slack !== undefined) {
    const slack = isObject(request.slack) ? request.slack : {};
    need(slack.approverChannel, 'slack.approverChannel');
    if (!Array.isArray(slack.approvers) || slack.approvers.some((id) => typeof id !== 'string'))
      problems.push('"slack.approvers" must be a list of Slack ids');
    durationProblem(slack.requestTimeout, 'slack.requestTimeout', problems, true);
  }
  return problems;
}

/** The most accounts one grant covers: each is an assignment made and removed, and a line in every message. */
export const MAX_ACCOUNTS_PER_GRANT = 20;

function catalogTargetProblems(value: unknown, target: Record<string, unknown>, problems: string[]): void {
  const need = (field: unknown, name: string, max = MAX_ACTOR_LENGTH) => {
    const checked = text(field, `catalogTarget.${name}`, max);
    if (!checked.ok) problems.push(checked.why);
  };
  const catalogTarget = isObject(value) ? value : {};
  need(catalogTarget.key, 'key', 63);
  need(catalogTarget.name, 'name');
  need(catalogTarget.permissionSetArn, 'permissionSetArn', 2_048);
  need(catalogTarget.requesterRule, 'requesterRule');
  const accounts = catalogTarget.accounts;
  if (!Array.isArray(accounts) || accounts.length === 0 || accounts.length > MAX_ACCOUNTS_PER_GRANT) {
    problems.push(`"catalogTarget.accounts" must list 1 to ${MAX_ACCOUNTS_PER_GRANT} accounts`);
    return;
  }
  accounts.forEach((account: unknown, index) => {
    const entry = isObject(account) ? account : {};
    need(entry.id, `accounts[${index}].id`, 64);
    need(entry.name, `accounts[${index}].name`);
  });
  const first = isObject(accounts[0]) ? accounts[0] : {};
  // `target` is what older readers see: it must be the first account, or they would be told of another access.
  if (first.id !== target.accountId || catalogTarget.permissionSetArn !== target.permissionSetArn)
    problems.push('"target" must be the first account of "catalogTarget" with its permission set');
  if (new Set(accounts.map((account: unknown) => (isObject(account) ? account.id : account))).size !== accounts.length)
    problems.push('"catalogTarget.accounts" lists an account twice');
}

function durationProblem(value: unknown, field: string, problems: string[], requested = false): void {
  try {
    if (requested) parseRequestedDuration(value);
    else parseDuration(value);
  } catch (error) {
    problems.push(`"${field}": ${(error as Error).message}`);
  }
}

/** A request known to be usable, typed as such. */
export function isUsableRequest(request: unknown): request is AccessRequest {
  return requestProblems(request).length === 0;
}
