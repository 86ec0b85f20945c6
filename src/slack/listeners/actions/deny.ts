/**
 * "Deny" opens the modal that asks why; the decision is made when it is submitted (views/denyReason.ts).
 */
import { denyModal } from '../../../views';
import { grantWorkflowIdFrom } from '../../grantWorkflowId';
import type { ButtonClick } from '../types';

export function denyButton() {
  return async ({ ack, body, action, client }: ButtonClick): Promise<void> => {
    await ack();
    await client.views.open({ trigger_id: body.trigger_id, view: denyModal(grantWorkflowIdFrom(action.value)) });
  };
}
