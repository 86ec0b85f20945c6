/**
 * The Slack side of a grant, beside the story and never in its way: the approval message kept up to date, the
 * extension request message, the requester's direct messages and the operators' alerts. A Slack outage delays a
 * message, never a grant or a revoke; finish() waits for what is still on its way.
 */
import { CancellationScope, log, workflowInfo } from '@temporalio/workflow';
import type { MessageRef } from '../../activities/slack';
import type { AccessRequest, GrantEventType, GrantStatus, NoticeType } from '../../domain/grant';
import { raiseAlert, slack } from './activities';
import type { BesideTheStory } from './beside';
import { describeFailure } from './failures';
import { forActivities } from './shown';

/** Events the requester hears about in a direct message. */
const REQUESTER_EVENTS: GrantEventType[] = [
  'approved',
  'denied',
  'expired',
  'granted',
  'grant_failed',
  'extended',
  'extension_denied',
  'revoked',
];

export class SlackAnnouncer {
  /** Direct messages, alerts and message posts not yet delivered. */
  readonly notices: Promise<unknown>[] = [];
  /** Updates of the approval message, one at a time, in order: it always ends showing the latest state. */
  approvalMessageUpdates: Promise<void> = Promise.resolve();
  approvalMessageRef: Promise<MessageRef | undefined>;
  private extensionMessageRef: Promise<MessageRef | undefined> = Promise.resolve(undefined);

  constructor(
    private readonly request: AccessRequest,
    private readonly beside: BesideTheStory,
    /** Where a run that continued as new finds the approval message. */
    approvalMessage?: MessageRef,
  ) {
    this.approvalMessageRef = Promise.resolve(approvalMessage);
  }

  /** Asks the approvers, in the approver channel. */
  postApprovalMessage(channel: string, status: GrantStatus): void {
    const workflowId = workflowInfo().workflowId;
    this.approvalMessageRef = this.beside.track(
      slack.postApprovalMessage({ channel, status: forActivities(status), workflowId }).catch((error) => {
        logNoticeFailure(error);
        return undefined;
      }),
    );
    this.notices.push(this.approvalMessageRef);
  }

  /** Slack side effects of a transition, in the background: the approval message and the requester's DM. */
  announce(type: GrantEventType, snapshot: GrantStatus): void {
    // A refusal changes nothing anyone in Slack sees; the alert tells the operators.
    if (!this.request.slack || type === 'refused') return;
    const workflowId = workflowInfo().workflowId;
    const channel = this.request.slack.approverChannel;
    const shown = forActivities(snapshot);
    if (type === 'extension_requested') {
      this.extensionMessageRef = this.beside.track(
        slack.postExtensionRequest({ channel, status: shown, workflowId }).catch((error) => {
          logNoticeFailure(error);
          return undefined;
        }),
      );
      this.notices.push(this.extensionMessageRef);
    }
    if (type === 'extended' || type === 'extension_denied') {
      const decided = this.extensionMessageRef;
      this.extensionMessageRef = Promise.resolve(undefined);
      this.notices.push(
        this.beside.track(
          decided.then(async (ref) => {
            if (ref) await slack.updateExtensionRequest({ ref, status: shown, event: type }).catch(logNoticeFailure);
          }),
        ),
      );
    }
    if (type !== 'requested') {
      this.approvalMessageUpdates = this.beside.track(
        this.approvalMessageUpdates.then(async () => {
          const ref = await this.approvalMessageRef;
          if (ref) await slack.updateApprovalMessage({ ref, status: shown, workflowId }).catch(logNoticeFailure);
        }),
      );
    }
    if (REQUESTER_EVENTS.includes(type)) this.notify(type, snapshot);
  }

  /** A direct message to the requester. */
  notify(event: NoticeType, snapshot: GrantStatus): void {
    const workflowId = workflowInfo().workflowId;
    this.notices.push(
      slack.notifyRequester({ status: forActivities(snapshot), event, workflowId }).catch(logNoticeFailure),
    );
  }

  /** v2: an operator must look now. Beside the story: a Slack outage delays the alert, never the next revoke round. */
  alert(message: string): void {
    const sent = CancellationScope.nonCancellable(() =>
      raiseAlert({
        requestId: this.request.requestId,
        workflowId: workflowInfo().workflowId,
        message,
        channel: this.request.slack?.approverChannel,
      }),
    ).catch(logNoticeFailure);
    this.notices.push(this.beside.track(sent));
  }
}

function logNoticeFailure(error: unknown): void {
  log.warn('a Slack message could not be delivered', { error: describeFailure(error) });
}
