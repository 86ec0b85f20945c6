/**
 * The extension modal's submission: a duration and a reason; the workflow's refusal shows under the reason.
 */
import type { Config } from '../../../config';
import { formatDuration } from '../../../domain/duration';
import { readReason, readRequestedDuration } from '../../../domain/requestText';
import { EXTENSION_MODAL } from '../../../views';
import type { GrantWorkflows } from '../../grantWorkflows';
import { grantWorkflowIdFrom } from '../../grantWorkflowId';
import type { ModalSubmission } from '../types';

export interface ExtensionDependencies {
  settings: Pick<Config, 'MAX_TOTAL_GRANT_DURATION'>;
  grants: GrantWorkflows;
}

export function extensionSubmitted({ settings, grants }: ExtensionDependencies) {
  return async ({ ack, body, view }: ModalSubmission): Promise<void> => {
    const values = view.state.values;
    // No extension can make a grant last longer than MAX_TOTAL_GRANT_DURATION; the workflow checks the exact sum.
    const duration = readRequestedDuration(
      values[EXTENSION_MODAL.durationBlock]?.[EXTENSION_MODAL.durationAction]?.value,
      settings.MAX_TOTAL_GRANT_DURATION,
    );
    if (!duration.ok) {
      await ack({ response_action: 'errors', errors: { [EXTENSION_MODAL.durationBlock]: duration.message } });
      return;
    }
    const reason = readReason(
      values[EXTENSION_MODAL.reasonBlock]?.[EXTENSION_MODAL.reasonAction]?.value,
      'Say why the access must last longer.',
    );
    if (!reason.ok) {
      await ack({ response_action: 'errors', errors: { [EXTENSION_MODAL.reasonBlock]: reason.message } });
      return;
    }
    const refusal = await grants.extend(grantWorkflowIdFrom(view.private_metadata), {
      by: body.user.id,
      duration: formatDuration(duration.durationMs),
      reason: reason.reason,
    });
    if (refusal) await ack({ response_action: 'errors', errors: { [EXTENSION_MODAL.reasonBlock]: refusal } });
    else await ack();
  };
}
