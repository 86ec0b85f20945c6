/**
 * A start input that is not a usable request, turned into one that can be recorded and shown: every field a string,
 * so the failure lands in the audit trail instead of failing the workflow task. Pure.
 */
import type { AccessRequest } from '../../domain/grant';

const MAX_SHOWN = 256;

/** `requestId` comes from the workflow id (the input may have none); `requestedAt` is the workflow's now. */
export function usableShapeOf(input: unknown, requestId: string, requestedAt: string): AccessRequest {
  const fields = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  const nested = (value: unknown) =>
    (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const show = (value: unknown) =>
    typeof value === 'string'
      ? value.slice(0, MAX_SHOWN)
      : value === undefined
        ? ''
        : (JSON.stringify(value)?.slice(0, MAX_SHOWN) ?? '');
  const requester = nested(fields.requester);
  const target = nested(fields.target);
  return {
    requestId,
    requester: { slackUserId: show(requester.slackUserId), email: show(requester.email) },
    reason: show(fields.reason),
    target: { accountId: show(target.accountId), permissionSetArn: show(target.permissionSetArn) },
    requestedAt,
  };
}
