/**
 * "Cancel request" on the requester's pending confirmation: withdraws the request, for its requester only (checked
 * against the workflow's status, not the button); the confirmation then says it was cancelled.
 */
import type { GrantWorkflows } from '../../grantWorkflows';
import { grantWorkflowIdFrom } from '../../grantWorkflowId';
import type { ButtonClick } from '../types';

export function cancelRequestButton({ grants }: { grants: GrantWorkflows }) {
  return async ({ ack, body, action, respond }: ButtonClick): Promise<void> => {
    await ack();
    const refusal = await grants.withdraw(grantWorkflowIdFrom(action.value), body.user.id);
    await respond(
      refusal
        ? { response_type: 'ephemeral', replace_original: false, text: refusal }
        : { replace_original: true, text: 'You cancelled this request; nothing was granted.' },
    );
  };
}
