/**
 * The audit trail as tests write and read it: a grant's story recorded through the records API the worker uses, the
 * `keycard` command run as an auditor runs it (a child process), a database of its own per test.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import type { GrantEventInput, GrantRecords } from '../../src/services/records';
import type { GrantStatus, GrantStatusFields, Requester, Target } from '../../src/domain/grant';
import { PROJECT_ROOT } from './processes';
import { stand } from './stand';

const run = promisify(execFile);

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function databaseUrl(name: string): string {
  return stand().mongoUrl.replace(/\/([^/?]+)(\?|$)/, `/$1_${name}_${randomUUID().slice(0, 8)}$2`);
}

/** `keycard <args>` as a child process with exactly this environment (and PATH). */
export async function keycardCli(env: Record<string, string>, ...args: string[]): Promise<CliResult> {
  return run(process.execPath, [path.join(PROJECT_ROOT, 'bin/keycard.js'), ...args], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH, ...env },
  }).then(
    (result) => ({ code: 0, stdout: result.stdout, stderr: result.stderr }),
    (error: CliResult) => error,
  );
}

/** `keycard audit <args>` with MONGODB_URL only: an auditor needs no AWS, Slack or Temporal settings. */
export function keycard(mongoUrl: string | undefined, ...args: string[]): Promise<CliResult> {
  return keycardCli(mongoUrl ? { MONGODB_URL: mongoUrl } : {}, 'audit', ...args);
}

export const PROD: Target = {
  accountId: '123456789012',
  permissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-1/ps-prod',
};
export const BILLING: Target = {
  accountId: '210987654321',
  permissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-1/ps-billing',
};
export const at = (time: string) => `2026-11-17T${time}:00.000Z`;

/** One grant's history, written the way the grant workflow writes it: each event with the grant as it stands after. */
export function grantStory(records: GrantRecords, requester: Requester, target: Target, reason: string) {
  const requestId = randomUUID();
  const workflowId = `prod-access-${requestId}`;
  let status: GrantStatus = {
    requestId,
    state: 'pending',
    requester,
    target,
    reason,
    duration: '4h',
    history: [],
  };
  async function event(
    type: GrantEventInput['type'],
    time: string,
    actor: string,
    change: Partial<GrantStatusFields> = {},
    why?: string,
    details?: Record<string, unknown>,
  ) {
    // Without `ending`, as older code recorded them: the queries tell the ending from the events.
    status = {
      ...status,
      ...change,
      history: [...status.history, { at: at(time), type, actor, reason: why }],
    } as GrantStatus;
    const input: GrantEventInput = {
      eventId: `${requestId}:${status.history.length}:${type}`,
      workflowId,
      type,
      at: at(time),
      actor,
      grant: status,
      ...(why ? { reason: why } : {}),
      ...(details ? { details } : {}),
    };
    await records.recordEvent(input);
  }
  return {
    requestId,
    workflowId,
    requested: (time: string) => event('requested', time, requester.email, {}, reason, { duration: '4h' }),
    approved: (time: string, by: string) => event('approved', time, by, { approvedBy: by }),
    denied: (time: string, by: string, why: string) =>
      event('denied', time, by, { state: 'denied', deniedBy: by, denyReason: why }, why),
    granted: (time: string, until: string) =>
      event('granted', time, 'keycard', { state: 'active', grantedAt: at(time), expiresAt: at(until) }, reason, {
        expiresAt: at(until),
      }),
    extended: (time: string, by: string, until: string) =>
      event('extended', time, by, { expiresAt: at(until) }, 'incident still open', {
        duration: '1h',
        previousExpiresAt: status.expiresAt,
        expiresAt: at(until),
      }),
    revoked: (time: string, by: string, why: string, details: Record<string, unknown> = {}) =>
      event('revoked', time, by, { state: 'revoked', revokedAt: at(time), revokedBy: by, revokeReason: why }, why, {
        deletionRequestId: randomUUID(),
        ...details,
      }),
  };
}
