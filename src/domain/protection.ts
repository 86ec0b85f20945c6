/**
 * Never lock the organisation out. Some assignments must survive every sweep and every bulk revoke: those of the
 * principals the operator declares protected (PROTECTED_PRINCIPALS: emergency admins, automation users), those of a
 * permission set listed there, and those of the permission set Keycard itself runs with (KEYCARD_PERMISSION_SET_ARN).
 * `isProtected` is the one check every bulk removal asks before it deletes an assignment (the reconciler today, a
 * kill switch later); `lockoutRisks` is the start-up rule that refuses a configuration in which Keycard would manage
 * one of them.
 */
import type { Target } from './grant';

export interface Protection {
  /** Identity Center user and group ids whose assignments are never removed by a sweep or a bulk revoke. */
  principals: readonly string[];
  /** Permission sets whose assignments are never removed (listed in PROTECTED_PRINCIPALS by ARN). */
  permissionSets: readonly string[];
  /** The permission set Keycard's own AWS access comes from, when it runs with one (KEYCARD_PERMISSION_SET_ARN). */
  keycardPermissionSetArn?: string;
}

export const NO_PROTECTION: Protection = { principals: [], permissionSets: [] };

/** A permission set ARN, as PROTECTED_PRINCIPALS and KEYCARD_PERMISSION_SET_ARN write it. */
export const PERMISSION_SET_ARN_PATTERN = /^arn:aws[a-z-]*:sso:::permissionSet\/\S+\/ps-[\w-]+$/;

/** An Identity Center user or group id (the Identity Store's UUID, optionally prefixed: `9067…-1234…`). */
export const PRINCIPAL_ID_PATTERN = /^[\w-]{1,64}$/;

/** Splits PROTECTED_PRINCIPALS entries into principals and permission sets (entries are already validated). */
export function protectionFrom(entries: readonly string[], keycardPermissionSetArn?: string): Protection {
  return {
    principals: entries.filter((entry) => !PERMISSION_SET_ARN_PATTERN.test(entry)),
    permissionSets: entries.filter((entry) => PERMISSION_SET_ARN_PATTERN.test(entry)),
    ...(keycardPermissionSetArn ? { keycardPermissionSetArn } : {}),
  };
}

/** Why this assignment must stay, or undefined when it may be removed. */
export function protectedBecause(
  protection: Protection,
  assignment: { principalId: string; target: Target },
): string | undefined {
  const { principalId, target } = assignment;
  if (protection.principals.includes(principalId)) return `${principalId} is listed in PROTECTED_PRINCIPALS`;
  if (protection.permissionSets.includes(target.permissionSetArn)) {
    return `${target.permissionSetArn} is listed in PROTECTED_PRINCIPALS`;
  }
  if (protection.keycardPermissionSetArn === target.permissionSetArn) {
    return `${target.permissionSetArn} is Keycard's own permission set (KEYCARD_PERMISSION_SET_ARN)`;
  }
  return undefined;
}

/** Whether a sweep or a bulk revoke must leave this assignment in place. */
export function isProtected(protection: Protection, assignment: { principalId: string; target: Target }): boolean {
  return protectedBecause(protection, assignment) !== undefined;
}

/**
 * The start-up rule: a managed target (one Keycard grants, revokes and, in enforce mode, clears of standing access)
 * must not be Keycard's own permission set, nor a permission set listed as protected. Each problem names the
 * variables to change. A protected principal on a managed target is fine: its assignment is left in place and
 * reported (that is what protection is for).
 */
export function lockoutRisks(
  protection: Protection,
  managedTargets: readonly Target[],
  /** Where the targets are set, as the problems name it (CATALOG_FILE for a catalog's). */
  setting = 'PERMISSION_SET_ARN',
): string[] {
  const problems = new Set<string>();
  for (const target of managedTargets) {
    if (protection.keycardPermissionSetArn === target.permissionSetArn) {
      problems.add(
        `${setting} is KEYCARD_PERMISSION_SET_ARN (${target.permissionSetArn}): Keycard would grant and revoke the permission set it runs with itself, and could lock itself out; manage another permission set`,
      );
    }
    if (protection.permissionSets.includes(target.permissionSetArn)) {
      problems.add(
        `${setting} (${target.permissionSetArn}) is listed in PROTECTED_PRINCIPALS: a protected permission set cannot be managed by Keycard; manage another one or remove it from PROTECTED_PRINCIPALS`,
      );
    }
  }
  return [...problems];
}
