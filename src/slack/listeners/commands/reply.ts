import type { RespondArguments } from '@slack/bolt';
import type { SlackMessage } from '../../../views';

/** A message only the person who typed the command sees; a text-only message goes without blocks. */
export function ephemeralMessage(message: SlackMessage): RespondArguments {
  return {
    response_type: 'ephemeral',
    text: message.text,
    ...(message.blocks.length ? { blocks: message.blocks } : {}),
  };
}
