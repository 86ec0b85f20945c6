/**
 * The parts of Bolt's listener arguments Keycard's listeners use. Bolt passes more; a test passes only these.
 */
import type { RespondArguments } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';

/** The Web API methods the listeners call; Bolt's `client` is one. */
export interface SlackClient {
  users: Pick<WebClient['users'], 'info'>;
  usergroups: { users: Pick<WebClient['usergroups']['users'], 'list'> };
  views: Pick<WebClient['views'], 'open' | 'publish' | 'update'>;
  conversations: Pick<WebClient['conversations'], 'open'>;
  chat: Pick<WebClient['chat'], 'postMessage'>;
}

export type Respond = (message: RespondArguments) => Promise<unknown>;

/** A click on one of Keycard's buttons: its value is a grant's workflow id. */
export interface ButtonClick {
  ack: () => Promise<void>;
  body: { user: { id: string }; trigger_id: string; response_url?: string };
  action: { value?: string };
  respond: Respond;
  client: SlackClient;
}

/** Slack shows these errors under the named input blocks and keeps the modal open. */
export interface ModalErrors {
  response_action: 'errors';
  errors: Record<string, string>;
}

/** A submitted Keycard modal: private_metadata is the grant's workflow id. */
export interface ModalSubmission {
  ack: (response?: ModalErrors) => Promise<void>;
  body: { user: { id: string } };
  view: { private_metadata: string; state: { values: Record<string, Record<string, { value?: string | null }>> } };
}

/** `/prod-access …` as the listeners read it. */
export interface SlashCommand {
  command: { text: string; user_id: string; team_id: string; trigger_id: string };
  ack: (response?: RespondArguments) => Promise<void>;
  respond: Respond;
  client: SlackClient;
}
