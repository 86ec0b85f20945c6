/**
 * Every error and refusal type Keycard names, in one place. Activities throw these classes; Temporal carries the
 * class name as the failure's type, so the workflow's retry policies and callers match on `Class.type`, never on a
 * retyped string. Pure: no imports.
 */

/** A Keycard error whose name Temporal reports as the failure type. */
export abstract class KeycardError extends Error {
  constructor(message: string) {
    super(message);
    this.name = (this.constructor as { type?: string }).type ?? 'KeycardError';
  }
}

/** Identity Center refused for lack of permission: retrying will not help; the worker's IAM policy must change. */
export class AccessDeniedError extends KeycardError {
  static readonly type = 'AccessDeniedError';
}
/** Identity Center rejected the request's shape (bad account id, permission set or principal). */
export class ValidationError extends KeycardError {
  static readonly type = 'ValidationError';
}
/** No Identity Store user has this email. */
export class PrincipalNotFoundError extends KeycardError {
  static readonly type = 'PrincipalNotFoundError';
}
/** Identity Center said FAILED; the message is its own words. */
export class AssignmentFailedError extends KeycardError {
  static readonly type = 'AssignmentFailedError';
}
/** The deletion said SUCCEEDED or FAILED but the assignment is still listed: retry, never report it revoked. */
export class RevokeNotConfirmedError extends KeycardError {
  static readonly type = 'RevokeNotConfirmedError';
}
/** Slack said something a retry cannot fix (bad token, unknown channel, missing scope). */
export class SlackPermanentError extends KeycardError {
  static readonly type = 'SlackPermanentError';
}

/** Failures of an Identity Center call that no retry fixes. */
export const IDENTITY_CENTER_PERMANENT = [AccessDeniedError.type, ValidationError.type] as const;
/** Failures of a grant (lookup or assignment) that no retry fixes. */
export const GRANT_PERMANENT = [
  ...IDENTITY_CENTER_PERMANENT,
  PrincipalNotFoundError.type,
  AssignmentFailedError.type,
] as const;
/** Failures of a Slack call that no retry fixes. */
export const SLACK_PERMANENT = [SlackPermanentError.type] as const;

/**
 * Why an update (approve, deny, extend) or a Slack action is refused: the rejected update's failure type, so the Slack
 * app and the CLI tell the person what to do without parsing the message.
 */
export const Refusal = {
  invalidDecision: 'InvalidDecisionError',
  invalidExtension: 'InvalidExtensionError',
  reasonRequired: 'ReasonRequiredError',
  alreadyDecided: 'AlreadyDecidedError',
  notReady: 'NotReadyError',
  selfApproval: 'SelfApprovalError',
  notAnApprover: 'NotAnApproverError',
  notActive: 'NotActiveError',
  alreadyRequested: 'AlreadyRequestedError',
  maxDurationExceeded: 'MaxDurationExceededError',
  notAllowed: 'NotAllowedError',
  /** A target key the catalog does not have. */
  unknownTarget: 'UnknownTargetError',
  /** A person outside a target's requesters. */
  notARequester: 'NotARequesterError',
  /** A requested duration that is not one. */
  invalidDuration: 'InvalidDurationError',
  /** No valid proof from Keycard's front door (v3): refused, audited and alerted. */
  noProof: 'FrontDoorProofError',
} as const;
export type RefusalType = (typeof Refusal)[keyof typeof Refusal];
