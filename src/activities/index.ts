/**
 * The activities a grant workflow calls: everything that touches the world (Identity Center, MongoDB, alerts).
 * Built once per worker from its dependencies; the workflow imports only the type.
 */
import { Context } from '@temporalio/activity';
import type { Logger } from 'pino';
import type { Target } from '../domain/grant';
import type { AssignmentResult, IdentityCenter } from './identityCenter';
import type { GrantEventInput, GrantRecords } from './records';

export interface ActivityDependencies {
  identityCenter: IdentityCenter;
  records: GrantRecords;
  logger: Logger;
}

export interface AssignmentInput {
  target: Target;
  principalId: string;
}

export interface Alert {
  requestId: string;
  workflowId: string;
  message: string;
}

export function createActivities({ identityCenter, records, logger }: ActivityDependencies) {
  /** Heartbeats the AWS request id so a retried attempt polls the same request instead of asking again. */
  function progress() {
    const context = Context.current();
    const resumeRequestId = context.info.heartbeatDetails as string | undefined;
    return {
      resumeRequestId,
      onProgress: (requestId: string) => context.heartbeat(requestId),
      sleep: (ms: number) => context.sleep(ms),
    };
  }

  return {
    async principalForEmail(email: string): Promise<string> {
      return identityCenter.principalForEmail(email);
    },

    async assign({ target, principalId }: AssignmentInput): Promise<AssignmentResult> {
      return identityCenter.assign(target, principalId, progress());
    },

    async unassign({ target, principalId }: AssignmentInput): Promise<AssignmentResult> {
      return identityCenter.unassign(target, principalId, progress());
    },

    async recordEvent(event: GrantEventInput): Promise<void> {
      await records.recordEvent(event);
    },

    /** An operator must look now. A log line at error level today; the Slack front door adds a channel post. */
    async raiseAlert(alert: Alert): Promise<void> {
      logger.error({ alert: true, requestId: alert.requestId, workflowId: alert.workflowId }, alert.message);
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
