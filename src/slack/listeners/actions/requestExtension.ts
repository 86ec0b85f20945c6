/**
 * "Request extension" (in the expiry warning) opens the modal that asks how much longer and why.
 */
import { extensionModal } from '../../../views';
import { grantWorkflowIdFrom } from '../../grantWorkflowId';
import type { ButtonClick } from '../types';

export function requestExtensionButton() {
  return async ({ ack, body, action, client }: ButtonClick): Promise<void> => {
    await ack();
    await client.views.open({ trigger_id: body.trigger_id, view: extensionModal(grantWorkflowIdFrom(action.value)) });
  };
}
