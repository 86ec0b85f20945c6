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

/** How long a user group's members, once read, answer "is this person an approver" (GROUP_MEMBERS_CACHE). */
export const DEFAULT_GROUP_MEMBERS_CACHE_MS = 30_000;

export interface SlackNotifierOptions {
  /** 0: every question reads the group again. */
  groupMembersCacheMs?: number;
  now?: () => number;
}

export class SlackNotifier {
  private readonly groups = new Map<string, { readAt: number; members: ReadonlySet<string> }>();
  private readonly groupMembersCacheMs: number;
  private readonly now: () => number;

  constructor(
    private readonly client: WebClient,
    options: SlackNotifierOptions = {},
  ) {
    this.groupMembersCacheMs = options.groupMembersCacheMs ?? DEFAULT_GROUP_MEMBERS_CACHE_MS;
    this.now = options.now ?? Date.now;
  }

  /** User ids stay; user-group ids (S…) become their members, read now. */
  async expandApprovers(approvers: string[]): Promise<string[]> {
    const expanded = new Set<string>();
    for (const id of approvers) {
      if (id.startsWith('S')) {
        for (const user of await this.readGroup(id)) expanded.add(user);
      } else {
        expanded.add(id);
      }
    }
    return [...expanded].sort();
  }

  /**
   * Is `person` one of `approvers` now: the entry that makes them one (their own user id, or the first group listing
   * them), or undefined. Groups are read when the button is clicked, from a cache at most groupMembersCacheMs old,
   * so someone removed from a group stops deciding within that time.
   */
  async approverRule(approvers: string[], person: string): Promise<string | undefined> {
    if (approvers.includes(person)) return person;
    for (const id of approvers) {
      if (id.startsWith('S') && (await this.cachedGroup(id)).has(person)) return id;
    }
    return undefined;
  }

  private async cachedGroup(id: string): Promise<ReadonlySet<string>> {
    const cached = this.groups.get(id);
    if (cached && this.now() - cached.readAt < this.groupMembersCacheMs) return cached.members;
    return new Set(await this.readGroup(id));
  }

  private async readGroup(id: string): Promise<string[]> {
    const readAt = this.now();
    const { users } = await this.call(() => this.client.usergroups.users.list({ usergroup: id }));
    const members = users ?? [];
    this.groups.set(id, { readAt, members: new Set(members) });
    return members;
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
