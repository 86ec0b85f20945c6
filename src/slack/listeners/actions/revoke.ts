/**
 * "Revoke now" (approval message, the requester's DM, the App Home): ends access early; a refusal goes to the clicker.
 */
import type { GrantWorkflows } from '../../grantWorkflows';
import { grantWorkflowIdFrom } from '../../grantWorkflowId';
import type { ButtonClick } from '../types';

export function revokeButton({ grants }: { grants: GrantWorkflows }) {
  return async ({ ack, body, action, respond, client }: ButtonClick): Promise<void> => {
    await ack();
    const refusal = await grants.revoke(grantWorkflowIdFrom(action.value), body.user.id);
    if (!refusal) return;
    // Buttons in messages answer in place; the App Home has no response_url, so the answer goes by DM.
    if (body.response_url) await respond({ response_type: 'ephemeral', replace_original: false, text: refusal });
    else {
      const { channel } = await client.conversations.open({ users: body.user.id });
      await client.chat.postMessage({ channel: channel?.id as string, text: refusal });
    }
  };
}
