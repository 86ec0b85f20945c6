/**
 * AWS IAM Identity Center in the domain's words: principalForEmail, userNameOf, isAssigned, assign, unassign, and
 * the probe of what a revoke needs (probeRevokePath).
 * Assignment changes are asynchronous in AWS; the polling of their status lives here, once.
 */
import { DescribeUserCommand, GetUserIdCommand, IdentitystoreClient } from '@aws-sdk/client-identitystore';
import {
  CreateAccountAssignmentCommand,
  DeleteAccountAssignmentCommand,
  DescribeAccountAssignmentCreationStatusCommand,
  DescribeAccountAssignmentDeletionStatusCommand,
  ListAccountAssignmentsCommand,
  ListAccountAssignmentsForPrincipalCommand,
  paginateListAccountAssignments,
  paginateListAccountAssignmentsForPrincipal,
  SSOAdminClient,
  type AccountAssignmentOperationStatus,
} from '@aws-sdk/client-sso-admin';
import {
  AccessDeniedError,
  AssignmentFailedError,
  PrincipalNotFoundError,
  RevokeNotConfirmedError,
  ValidationError,
} from '../domain/errors';
import type { IdentityCenterUserName, Target } from '../domain/grant';

// The error classes live with every other error type, so the workflow's retry policies name the same classes.
export { AccessDeniedError, AssignmentFailedError, PrincipalNotFoundError, RevokeNotConfirmedError, ValidationError };

export interface IdentityCenterSettings {
  instanceArn: string;
  identityStoreId: string;
  /** Time between status polls of an asynchronous assignment change. */
  pollIntervalMs: number;
}

export interface AssignmentProgress {
  /** A creation or deletion request already made by an earlier attempt, to poll instead of asking again. */
  resumeRequestId?: string;
  /** Called with the request id once AWS accepted it and after every IN_PROGRESS poll. */
  onProgress: (requestId: string, status: string) => void;
  /** Waits between polls; cancellable in an activity. */
  sleep: (ms: number) => Promise<void>;
}

export interface AssignmentResult {
  requestId?: string;
  /** unassign only: there was nothing to remove. */
  alreadyGone?: boolean;
  /** assign only: the assignment already existed (another lease holds it), nothing was created. */
  alreadyAssigned?: boolean;
  /** unassign only: the assignment is protected (PROTECTED_PRINCIPALS) and was left in place: why. */
  keptProtected?: string;
}

export class IdentityCenter {
  constructor(
    private readonly ssoAdmin: SSOAdminClient,
    private readonly identityStore: IdentitystoreClient,
    private readonly settings: IdentityCenterSettings,
  ) {}

  async principalForEmail(email: string): Promise<string> {
    try {
      const { UserId } = await this.identityStore.send(
        new GetUserIdCommand({
          IdentityStoreId: this.settings.identityStoreId,
          AlternateIdentifier: { UniqueAttribute: { AttributePath: 'emails.value', AttributeValue: email } },
        }),
      );
      if (!UserId) throw new PrincipalNotFoundError(`No Identity Center user has the email ${email}`);
      return UserId;
    } catch (error) {
      if (nameOf(error) === 'ResourceNotFoundException') {
        throw new PrincipalNotFoundError(`No Identity Center user has the email ${email}`);
      }
      throw translate(error, 'look up a user (identitystore:GetUserId)');
    }
  }

  /** How Identity Center names a user (its UserName and DisplayName), for the approvers to see who is granted. */
  async userNameOf(principalId: string): Promise<IdentityCenterUserName> {
    try {
      const { UserName, DisplayName } = await this.identityStore.send(
        new DescribeUserCommand({ IdentityStoreId: this.settings.identityStoreId, UserId: principalId }),
      );
      if (!UserName) throw new PrincipalNotFoundError(`The Identity Center user ${principalId} has no user name`);
      return { userName: UserName, ...(DisplayName ? { displayName: DisplayName } : {}) };
    } catch (error) {
      if (error instanceof PrincipalNotFoundError) throw error;
      if (nameOf(error) === 'ResourceNotFoundException') {
        throw new PrincipalNotFoundError(`No Identity Center user has the id ${principalId}`);
      }
      throw translate(error, 'describe a user (identitystore:DescribeUser)');
    }
  }

  /**
   * Whether this user holds this permission set on this account. Asked of the user's own assignments
   * (ListAccountAssignmentsForPrincipal, filtered to the account): one call however many people share the target.
   */
  async isAssigned(target: Target, principalId: string): Promise<boolean> {
    try {
      const pages = paginateListAccountAssignmentsForPrincipal(
        { client: this.ssoAdmin },
        {
          InstanceArn: this.settings.instanceArn,
          PrincipalId: principalId,
          PrincipalType: 'USER',
          Filter: { AccountId: target.accountId },
        },
      );
      for await (const page of pages) {
        for (const assignment of page.AccountAssignments ?? []) {
          if (assignment.AccountId === target.accountId && assignment.PermissionSetArn === target.permissionSetArn) {
            return true;
          }
        }
      }
      return false;
    } catch (error) {
      throw translate(error, "list a user's assignments (sso:ListAccountAssignmentsForPrincipal)");
    }
  }

  /** The Identity Store users assigned to a target (groups are not Keycard's business). */
  async listUserAssignments(target: Target): Promise<string[]> {
    try {
      const users: string[] = [];
      const pages = paginateListAccountAssignments(
        { client: this.ssoAdmin },
        {
          InstanceArn: this.settings.instanceArn,
          AccountId: target.accountId,
          PermissionSetArn: target.permissionSetArn,
        },
      );
      for await (const page of pages) {
        for (const assignment of page.AccountAssignments ?? []) {
          if (assignment.PrincipalType === 'USER' && assignment.PrincipalId) users.push(assignment.PrincipalId);
        }
      }
      return [...new Set(users)];
    } catch (error) {
      throw translate(error, 'list assignments (sso:ListAccountAssignments)');
    }
  }

  /** Creates the assignment and returns once Identity Center says SUCCEEDED. FAILED throws AssignmentFailedError. */
  async assign(target: Target, principalId: string, progress: AssignmentProgress): Promise<AssignmentResult> {
    let requestId = progress.resumeRequestId;
    if (!requestId) {
      // One assignment per person and target: a lease that finds it in place shares it rather than duplicating it.
      if (await this.isAssigned(target, principalId)) return { alreadyAssigned: true };
      try {
        const { AccountAssignmentCreationStatus: created } = await this.ssoAdmin.send(
          new CreateAccountAssignmentCommand(this.assignment(target, principalId)),
        );
        requestId = required(created?.RequestId, 'CreateAccountAssignment returned no RequestId');
        progress.onProgress(requestId, created?.Status ?? 'IN_PROGRESS');
        if (created?.Status === 'SUCCEEDED') return { requestId };
        if (created?.Status === 'FAILED') throw failed('assignment', created);
      } catch (error) {
        throw translate(error, 'create an assignment (sso:CreateAccountAssignment)');
      }
    }
    await this.poll(requestId, progress, async (id) => {
      const { AccountAssignmentCreationStatus: status } = await this.ssoAdmin.send(
        new DescribeAccountAssignmentCreationStatusCommand({
          InstanceArn: this.settings.instanceArn,
          AccountAssignmentCreationRequestId: id,
        }),
      );
      return status;
    });
    return { requestId };
  }

  /**
   * Removes the assignment and returns once Identity Center says SUCCEEDED and no longer lists it.
   * An assignment that is already gone counts as revoked.
   */
  async unassign(target: Target, principalId: string, progress: AssignmentProgress): Promise<AssignmentResult> {
    let requestId = progress.resumeRequestId;
    let succeeded = false;
    if (!requestId) {
      // Straight to the deletion: "nothing to remove" comes back as ResourceNotFound, and is then checked.
      try {
        const { AccountAssignmentDeletionStatus: deletion } = await this.ssoAdmin.send(
          new DeleteAccountAssignmentCommand(this.assignment(target, principalId)),
        );
        requestId = required(deletion?.RequestId, 'DeleteAccountAssignment returned no RequestId');
        progress.onProgress(requestId, deletion?.Status ?? 'IN_PROGRESS');
        succeeded = deletion?.Status === 'SUCCEEDED';
      } catch (error) {
        if (nameOf(error) === 'ResourceNotFoundException' && !(await this.isAssigned(target, principalId))) {
          return { alreadyGone: true };
        }
        throw translate(error, 'delete an assignment (sso:DeleteAccountAssignment)');
      }
    }
    try {
      if (!succeeded)
        await this.poll(requestId, progress, async (id) => {
          const { AccountAssignmentDeletionStatus: status } = await this.ssoAdmin.send(
            new DescribeAccountAssignmentDeletionStatusCommand({
              InstanceArn: this.settings.instanceArn,
              AccountAssignmentDeletionRequestId: id,
            }),
          );
          return status;
        });
    } catch (error) {
      // A FAILED deletion of something that is gone anyway is a revoke; anything still listed is not.
      if (!(error instanceof AssignmentFailedError) || (await this.isAssigned(target, principalId))) throw error;
      return { requestId, alreadyGone: true };
    }
    if (await this.isAssigned(target, principalId)) {
      throw new RevokeNotConfirmedError(
        `Identity Center reported deletion ${requestId} SUCCEEDED but still lists the assignment of ${principalId}`,
      );
    }
    return { requestId };
  }

  /**
   * Whether Keycard can still revoke on this target: one call of each read the revoke path makes (the target's
   * listing, a user's assignments, a deletion's status), so a lost IAM permission or credential shows before a grant
   * is due. The deletion itself cannot be tried without deleting; its status is asked of a made-up request id and a
   * made-up user, whose "not found" or "invalid" answer proves the call reached Identity Center and was permitted.
   * Throws what a revoke would meet: AccessDeniedError, a credentials error, a network error.
   */
  async probeRevokePath(target: Target): Promise<void> {
    const { instanceArn } = this.settings;
    const reads: [string, () => Promise<unknown>][] = [
      [
        'list assignments (sso:ListAccountAssignments)',
        () =>
          this.ssoAdmin.send(
            new ListAccountAssignmentsCommand({
              InstanceArn: instanceArn,
              AccountId: target.accountId,
              PermissionSetArn: target.permissionSetArn,
              MaxResults: 1,
            }),
          ),
      ],
      [
        "list a user's assignments (sso:ListAccountAssignmentsForPrincipal)",
        () =>
          this.ssoAdmin.send(
            new ListAccountAssignmentsForPrincipalCommand({
              InstanceArn: instanceArn,
              PrincipalId: PROBE_ID,
              PrincipalType: 'USER',
              Filter: { AccountId: target.accountId },
              MaxResults: 1,
            }),
          ),
      ],
      [
        'read a deletion status (sso:DescribeAccountAssignmentDeletionStatus)',
        () =>
          this.ssoAdmin.send(
            new DescribeAccountAssignmentDeletionStatusCommand({
              InstanceArn: instanceArn,
              AccountAssignmentDeletionRequestId: PROBE_ID,
            }),
          ),
      ],
    ];
    for (const [action, read] of reads) {
      try {
        await read();
      } catch (error) {
        const name = nameOf(error);
        if (name === 'ResourceNotFoundException' || name === 'ValidationException') continue;
        throw translate(error, action);
      }
    }
  }

  private async poll(
    requestId: string,
    progress: AssignmentProgress,
    describe: (requestId: string) => Promise<AccountAssignmentOperationStatus | undefined>,
  ): Promise<void> {
    for (;;) {
      let status: AccountAssignmentOperationStatus | undefined;
      try {
        status = await describe(requestId);
      } catch (error) {
        throw translate(error, 'read an assignment status (sso:DescribeAccountAssignment*Status)');
      }
      if (status?.Status === 'SUCCEEDED') return;
      if (status?.Status === 'FAILED') throw failed(requestId, status);
      progress.onProgress(requestId, status?.Status ?? 'IN_PROGRESS');
      await progress.sleep(this.settings.pollIntervalMs);
    }
  }

  private assignment(target: Target, principalId: string) {
    return {
      InstanceArn: this.settings.instanceArn,
      TargetId: target.accountId,
      TargetType: 'AWS_ACCOUNT' as const,
      PermissionSetArn: target.permissionSetArn,
      PrincipalType: 'USER' as const,
      PrincipalId: principalId,
    };
  }
}

/** The made-up request and user id the revoke probe asks about: no deletion or user has it. */
const PROBE_ID = '00000000-0000-4000-8000-00000000c0de';

function failed(what: string, status: AccountAssignmentOperationStatus): AssignmentFailedError {
  return new AssignmentFailedError(
    `Identity Center reported FAILED for ${status.RequestId ?? what}: ${status.FailureReason ?? 'no reason given'}`,
  );
}

function required<T>(value: T | undefined, message: string): T {
  if (value === undefined) throw new Error(message);
  return value;
}

function nameOf(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

/** AWS errors that a retry cannot fix become typed, non-retryable errors; the rest (throttling, conflict, 5xx) pass. */
function translate(error: unknown, action: string): unknown {
  if (error instanceof AssignmentFailedError || error instanceof PrincipalNotFoundError) return error;
  const message = error instanceof Error ? error.message : String(error);
  switch (nameOf(error)) {
    case 'AccessDeniedException':
      return new AccessDeniedError(
        `Identity Center denied permission to ${action}: ${message}. Grant the worker's IAM role this action.`,
      );
    case 'ValidationException':
      return new ValidationError(`Identity Center rejected the request to ${action}: ${message}`);
    default:
      return error;
  }
}
