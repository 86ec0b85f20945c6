/** How an activity's failure is told to people and what it left behind. */
import { ActivityFailure, ApplicationFailure, TimeoutFailure } from '@temporalio/workflow';

/** The innermost cause's type and message: what Identity Center, MongoDB or Slack said. */
export function describeFailure(error: unknown): string {
  let cause: unknown = error;
  while (cause instanceof ActivityFailure && cause.cause) cause = cause.cause;
  if (cause instanceof ApplicationFailure) return cause.type ? `${cause.type}: ${cause.message}` : cause.message;
  return cause instanceof Error ? cause.message : String(cause);
}

/** The deletion request id a timed-out unassign heartbeated, so the next attempt resumes it instead of starting over. */
export function heartbeatedRequestId(error: unknown): string | undefined {
  const cause = error instanceof ActivityFailure ? error.cause : undefined;
  if (!(cause instanceof TimeoutFailure)) return undefined;
  const details = cause.lastHeartbeatDetails as unknown;
  return typeof details === 'string' ? details : undefined;
}
