/**
 * Slack's Web API in the workflow's words: who may approve, the approval message, the requester's DMs, alerts.
 * Calls fail fast here (no client retries); Temporal's retry policy retries them, outside any grant or revoke.
 */
import { ErrorCode, WebClient, type WebAPICallError } from '@slack/web-api';
import { SlackPermanentError } from '../domain/errors';
import type { GrantStatus, NoticeType } from '../domain/grant';
import { alertText, approvalMessage, extensionRequestMessage, requesterNotice } from '../views';

// Declared with every other error type; re-exported for the callers that know it from here.
export { SlackPermanentError };

const PERMANENT = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'missing_scope',
  'no_permission',
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'user_not_found',
  'users_not_found',
  'no_such_subteam',
  'invalid_blocks',
  'msg_too_long',
  'cant_update_message',
  'message_not_found',
]);

export interface MessageRef {
  channel: string;
  ts: string;
}

export function createSlackClient(token: string, apiUrl?: string): WebClient {
  return new WebClient(token, {
    ...(apiUrl ? { slackApiUrl: apiUrl } : {}),
    retryConfig: { retries: 0 },
    timeout: 10_000,
  });
}

export class SlackNotifier {
  constructor(private readonly client: WebClient) {}

  /** User ids stay; user-group ids (S…) become their members. */
  async expandApprovers(approvers: string[]): Promise<string[]> {
    const expanded = new Set<string>();
    for (const id of approvers) {
      if (id.startsWith('S')) {
        const { users } = await this.call(() => this.client.usergroups.users.list({ usergroup: id }));
        for (const user of users ?? []) expanded.add(user);
      } else {
        expanded.add(id);
      }
    }
    return [...expanded].sort();
  }

  async postApprovalMessage(channel: string, status: GrantStatus, workflowId: string): Promise<MessageRef> {
    const message = approvalMessage(status, workflowId);
    const posted = await this.call(() =>
      this.client.chat.postMessage({ channel, text: message.text, blocks: message.blocks, unfurl_links: false }),
    );
    return { channel: posted.channel as string, ts: posted.ts as string };
  }

  async updateApprovalMessage(ref: MessageRef, status: GrantStatus, workflowId: string): Promise<void> {
    const message = approvalMessage(status, workflowId);
    await this.call(() => this.client.chat.update({ ...ref, text: message.text, blocks: message.blocks }));
  }

  async postExtensionRequest(channel: string, status: GrantStatus, workflowId: string): Promise<MessageRef> {
    const message = extensionRequestMessage(status, workflowId, 'extension_requested');
    const posted = await this.call(() =>
      this.client.chat.postMessage({ channel, text: message.text, blocks: message.blocks, unfurl_links: false }),
    );
    return { channel: posted.channel as string, ts: posted.ts as string };
  }

  async updateExtensionRequest(ref: MessageRef, status: GrantStatus, event: NoticeType): Promise<void> {
    const message = extensionRequestMessage(status, '', event);
    await this.call(() => this.client.chat.update({ ...ref, text: message.text, blocks: message.blocks }));
  }

  async notifyRequester(status: GrantStatus, event: NoticeType, workflowId: string): Promise<void> {
    const message = requesterNotice(status, event, workflowId);
    if (!message) return;
    const opened = await this.call(() => this.client.conversations.open({ users: status.requester.slackUserId }));
    const channel = opened.channel?.id as string;
    await this.call(() =>
      this.client.chat.postMessage({ channel, text: message.text, blocks: message.blocks, unfurl_links: false }),
    );
  }

  async postAlert(channel: string, text: string): Promise<void> {
    await this.call(() => this.client.chat.postMessage({ channel, text: alertText(text), unfurl_links: false }));
  }

  private async call<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      const slackError = error as WebAPICallError & { data?: { error?: string } };
      if (slackError.code === ErrorCode.PlatformError && PERMANENT.has(slackError.data?.error ?? '')) {
        throw new SlackPermanentError(`Slack refused: ${slackError.data?.error}`);
      }
      throw error;
    }
  }
}
