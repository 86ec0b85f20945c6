/**
 * What a grant's status looks like to the outside: cut to size for activities and the status query, and the one-line
 * text the Temporal Web UI shows. Pure: no workflow APIs, so it is tested without a server.
 */
import { formatUtc } from '../../domain/time';
import { MAX_HISTORY_ENTRIES, type GrantHistoryEntry, type GrantStatus } from '../../domain/grant';

/** What activities are handed: the status with its history cut to the entries they read (first, approval, last). */
export function forActivities(status: GrantStatus): GrantStatus {
  const { history } = status;
  if (history.length <= 3) return status;
  const approved = [...history].reverse().find((entry) => entry.type === 'approved');
  const kept = [history[0], ...(approved ? [approved] : []), history[history.length - 1]];
  return { ...status, history: kept.filter((entry, index) => kept.indexOf(entry) === index) };
}

/** The status's history keeps its first entry and the latest ones (v2; the audit trail keeps every event). */
export function bounded(history: GrantHistoryEntry[]): GrantHistoryEntry[] {
  if (history.length <= MAX_HISTORY_ENTRIES) return history;
  return [history[0], ...history.slice(history.length - MAX_HISTORY_ENTRIES + 1)];
}

/**
 * The Web UI's "current details" for a status: where it stands, and for a catalog target what it covers (its name,
 * key and every account), since the search attribute holds only its key. Grants without one read as they always did.
 */
export function currentDetails(status: GrantStatus): string {
  const standing = standingDetails(status);
  const catalogTarget = status.catalogTarget;
  if (!catalogTarget) return standing;
  const accounts = catalogTarget.accounts.map((account) =>
    account.name && account.name !== account.id ? `${account.name} (${account.id})` : account.id,
  );
  return (
    `${standing}\n` +
    `Target: ${catalogTarget.name} (${catalogTarget.key})\n` +
    `Accounts: ${accounts.join(', ')}\n` +
    `Permission set: ${catalogTarget.permissionSetArn}`
  );
}

function standingDetails(status: GrantStatus): string {
  switch (status.state) {
    case 'pending':
      return status.approvedBy || !status.approvers ? 'Granting access' : 'Waiting for an approver';
    case 'denied':
      return `Denied by ${status.deniedBy}: ${status.denyReason}`;
    case 'expired':
      return 'Expired unanswered';
    case 'active':
      return `Active until ${formatUtc(status.expiresAt)}, granted by ${status.approvedBy ?? 'keycard'}`;
    case 'revoked':
      return `Revoked by ${status.revokedBy} at ${formatUtc(status.revokedAt)}: ${status.revokeReason}`;
    case 'failed':
      return `Failed: ${status.failureReason}`;
    default: {
      // Every state is above; a status of some other state still shows it.
      const other: { state: string } = status;
      return other.state;
    }
  }
}

/** The Web UI's details while a revoke runs. */
export function revokingDetails(by: { by: string; reason: string }): string {
  return `Revoking: ${by.reason} (by ${by.by})`;
}
