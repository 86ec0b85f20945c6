/**
 * The deny modal's submission: a reason is required; the workflow's refusal shows under the input.
 */
import { readReason } from '../../../domain/requestText';
import { DENY_MODAL } from '../../../views';
import type { GrantWorkflows } from '../../grantWorkflows';
import { grantWorkflowIdFrom } from '../../grantWorkflowId';
import type { ModalSubmission } from '../types';

export function denyReasonSubmitted({ grants }: { grants: GrantWorkflows }) {
  return async ({ ack, body, view }: ModalSubmission): Promise<void> => {
    const reason = readReason(
      view.state.values[DENY_MODAL.block]?.[DENY_MODAL.action]?.value,
      'Say why you deny the request.',
    );
    if (!reason.ok) {
      await ack({ response_action: 'errors', errors: { [DENY_MODAL.block]: reason.message } });
      return;
    }
    // The modal stays open until the workflow answers, so a refusal can show where the reason was typed.
    const refusal = await grants.deny(grantWorkflowIdFrom(view.private_metadata), {
      by: body.user.id,
      reason: reason.reason,
    });
    if (refusal) await ack({ response_action: 'errors', errors: { [DENY_MODAL.block]: refusal } });
    else await ack();
  };
}
