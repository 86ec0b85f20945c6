/**
 * "Approve" (a request or an extension): the workflow validates and decides; a refusal is shown to the clicker only.
 */
import type { GrantWorkflows } from '../../grantWorkflows';
import { grantWorkflowIdFrom } from '../../grantWorkflowId';
import type { ButtonClick } from '../types';

export function approveButton({ grants }: { grants: GrantWorkflows }) {
  return async ({ ack, body, action, respond }: ButtonClick): Promise<void> => {
    await ack();
    const refusal = await grants.approve(grantWorkflowIdFrom(action.value), { by: body.user.id });
    if (refusal) await respond({ response_type: 'ephemeral', replace_original: false, text: refusal });
  };
}
