/**
 * The demo workspace plays Slack for the page: what a person does there (a slash command, a click, a submitted
 * modal, opening App Home) goes to Keycard's Bolt app as the signed request Slack would send, and what Keycard sends
 * back (to the fake Web API, to response URLs, in the HTTP answer) lands where that person would see it.
 */
import { randomUUID } from 'node:crypto';
import type { FakeSlack } from './slack/fakeSlackApi';
import {
  appHomeOpenedBody,
  blockActionPayload,
  interactionBody,
  newTriggerId,
  postSigned,
  slashCommandBody,
  viewSubmissionPayload,
  type SignedResponse,
} from './slack/signedRequests';
import { APPROVERS_CHANNEL, DEMO_PEOPLE } from './people';

export type ActionContainer = { type: 'message'; channel: string; ts: string } | { type: 'view'; viewId: string };

export interface SubmitResult {
  status: number;
  errors?: Record<string, string>;
}

export class DemoWorkspace {
  constructor(
    private readonly slack: FakeSlack,
    private readonly eventsUrl: string,
    private readonly signingSecret: string,
  ) {}

  async command(user: string, text: string): Promise<{ status: number }> {
    const { triggerId, responseId } = this.sentBy(user);
    const response = await this.post(
      slashCommandBody({
        user_id: user,
        text,
        trigger_id: triggerId,
        response_url: this.slack.responseUrl(responseId),
        channel_id: APPROVERS_CHANNEL.id,
      }),
    );
    // A command's HTTP answer with text is shown to its sender only, as Slack shows it.
    this.showAnswer(user, response);
    return { status: response.status };
  }

  async action(user: string, action: Record<string, unknown>, container: ActionContainer): Promise<{ status: number }> {
    const { triggerId, responseId } = this.sentBy(user);
    const button = {
      user,
      actionId: String(action.action_id),
      value: String(action.value ?? ''),
      blockId: action.block_id === undefined ? undefined : String(action.block_id),
      text: action.text as Record<string, unknown> | undefined,
      responseUrl: this.slack.responseUrl(responseId),
      triggerId,
    };
    if (container.type === 'view') {
      const view = this.viewOf(user, container.viewId);
      if (!view) return { status: 404 };
      return { status: (await this.post(interactionBody(blockActionPayload({ ...button, view })))).status };
    }
    const message = this.slack.messages.get(`${container.channel}/${container.ts}`);
    if (!message) return { status: 404 };
    const payload = blockActionPayload({
      ...button,
      channel: container.channel,
      messageTs: container.ts,
      message: { ts: message.ts, text: message.text, blocks: message.blocks },
    });
    return { status: (await this.post(interactionBody(payload))).status };
  }

  async submit(user: string, viewId: string, values: Record<string, Record<string, { type: string; value: string }>>) {
    const view = this.slack.surfaces.topModal(user);
    if (!view || view.id !== viewId) return { status: 404 };
    const { triggerId } = this.sentBy(user);
    const payload = viewSubmissionPayload({
      user,
      callbackId: String(view.callback_id ?? ''),
      privateMetadata: String(view.private_metadata ?? ''),
      values,
      view,
    });
    (payload as { trigger_id: string }).trigger_id = triggerId;
    const response = await this.post(interactionBody(payload));
    const answer = parseJson(response.body);
    if (answer.response_action === 'errors') {
      return { status: response.status, errors: answer.errors as Record<string, string> };
    }
    if (answer.response_action === 'update' && answer.view) {
      this.slack.surfaces.updateView(viewId, answer.view as Record<string, unknown>);
    } else if (answer.response_action === 'clear') {
      this.slack.surfaces.modals.set(user, []);
    } else if (response.status < 400) {
      this.slack.surfaces.closeModal(user, viewId);
    }
    return { status: response.status };
  }

  close(user: string, viewId: string): { status: number } {
    this.slack.surfaces.closeModal(user, viewId);
    return { status: 200 };
  }

  async home(user: string): Promise<{ status: number }> {
    const response = await this.post(appHomeOpenedBody(user), 'application/json');
    return { status: response.status };
  }

  /** Only the workspace's people act in it. */
  knows(user: unknown): user is string {
    return DEMO_PEOPLE.some((person) => person.id === user);
  }

  private viewOf(user: string, viewId: string) {
    const home = this.slack.surfaces.homes.get(user);
    if (home?.id === viewId) return home;
    return (this.slack.surfaces.modals.get(user) ?? []).find((view) => view.id === viewId);
  }

  private sentBy(user: string): { triggerId: string; responseId: string } {
    const ids = { triggerId: newTriggerId(), responseId: randomUUID() };
    this.slack.surfaces.sentBy(user, ids);
    return ids;
  }

  private showAnswer(user: string, response: SignedResponse): void {
    const answer = parseJson(response.body);
    if (typeof answer.text === 'string' || Array.isArray(answer.blocks)) {
      this.slack.surfaces.addEphemeral(user, {
        channel: 'response',
        text: String(answer.text ?? ''),
        blocks: Array.isArray(answer.blocks) ? (answer.blocks as Record<string, unknown>[]) : [],
      });
    }
  }

  private post(body: string, contentType?: string): Promise<SignedResponse> {
    return postSigned(this.eventsUrl, body, { secret: this.signingSecret, ...(contentType ? { contentType } : {}) });
  }
}

function parseJson(text: string): Record<string, unknown> {
  try {
    const value = text ? JSON.parse(text) : {};
    return value && typeof value === 'object' ? value : {};
  } catch {
    return {};
  }
}
