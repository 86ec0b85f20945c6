/**
 * The modals behind "Deny" and "Request extension". Their submission carries the grant's workflow id in
 * private_metadata, and nothing else of the request: the workflow is asked for the rest.
 */
import type { View } from '@slack/web-api';
import { DENY_MODAL, EXTENSION_MODAL } from './ids';

interface ModalInput {
  blockId: string;
  actionId: string;
  label: string;
  maxLength: number;
  multiline?: boolean;
  initialValue?: string;
}

function inputModal(callbackId: string, workflowId: string, title: string, submit: string, inputs: ModalInput[]): View {
  return {
    type: 'modal',
    callback_id: callbackId,
    private_metadata: workflowId,
    title: { type: 'plain_text', text: title },
    submit: { type: 'plain_text', text: submit },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: inputs.map((input) => ({
      type: 'input',
      block_id: input.blockId,
      label: { type: 'plain_text', text: input.label },
      element: {
        type: 'plain_text_input',
        action_id: input.actionId,
        max_length: input.maxLength,
        ...(input.multiline ? { multiline: true } : {}),
        ...(input.initialValue ? { initial_value: input.initialValue } : {}),
      },
    })),
  };
}

/** How much longer, and why. */
export function extensionModal(workflowId: string): View {
  return inputModal(EXTENSION_MODAL.callbackId, workflowId, 'Request extension', 'Ask approvers', [
    {
      blockId: EXTENSION_MODAL.durationBlock,
      actionId: EXTENSION_MODAL.durationAction,
      label: 'How much longer? (e.g. 30m, 1h)',
      maxLength: 10,
      initialValue: '1h',
    },
    {
      blockId: EXTENSION_MODAL.reasonBlock,
      actionId: EXTENSION_MODAL.reasonAction,
      label: 'Why? The approvers see this.',
      maxLength: 500,
      multiline: true,
    },
  ]);
}

/** The reason the requester will read. */
export function denyModal(workflowId: string): View {
  return inputModal(DENY_MODAL.callbackId, workflowId, 'Deny access', 'Deny', [
    {
      blockId: DENY_MODAL.block,
      actionId: DENY_MODAL.action,
      label: 'Why? The requester sees this.',
      maxLength: 500,
      multiline: true,
    },
  ]);
}
