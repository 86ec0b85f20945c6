/**
 * Asking for access in a modal (`/prod-access` with several targets and none named, or with no reason), and the
 * *Cancel request* button on the requester's pending confirmation. The modal offers only the targets the person may
 * request; its submission carries the request id in private_metadata (retried submissions start nothing twice) and
 * is checked again, as if typed, before anything starts.
 */
import type { KnownBlock, PlainTextOption, View } from '@slack/web-api';
import { durationOptions, type CatalogTarget } from '../domain/catalog';
import { formatDuration } from '../domain/duration';
import { MAX_REASON_LENGTH } from '../domain/requestText';
import { button, section, type SlackMessage } from './blocks';

export const REQUEST_MODAL = {
  callbackId: 'keycard_request',
  targetBlock: 'target',
  targetAction: 'target_select',
  durationBlock: 'duration',
  durationAction: 'duration_select',
  reasonBlock: 'reason',
  reasonAction: 'reason_input',
} as const;

/** The button on a pending request's confirmation: withdraws it, for its requester only. Its value is the workflow id. */
export const CANCEL_REQUEST_ACTION = 'keycard_cancel_request';

export interface RequestModalInput {
  /** The targets this person may request, in the catalog's order (never empty). */
  targets: CatalogTarget[];
  /** The target named in the command, shown chosen. */
  target?: CatalogTarget;
  /** The duration typed in the command, shown chosen. */
  durationMs?: number;
  /** What the command said after the target and duration. */
  reason: string;
  /** The request id the submission starts (from the command's trigger id). */
  requestId: string;
}

function option(text: string, value: string): PlainTextOption {
  return { text: { type: 'plain_text', text }, value };
}

/**
 * The durations offered: the chosen target's (durationOptions), or, while none is chosen, every requestable target's;
 * the submission checks the one picked against the target's max. A typed duration is offered too, so it stays chosen.
 */
function offeredDurations(input: RequestModalInput): number[] {
  const chosen = input.target ?? (input.targets.length === 1 ? input.targets[0] : undefined);
  const offered = chosen ? durationOptions(chosen) : input.targets.flatMap(durationOptions);
  return [...new Set([...offered, ...(input.durationMs === undefined ? [] : [input.durationMs])])].sort(
    (a, b) => a - b,
  );
}

export function requestModal(input: RequestModalInput): View {
  const chosen = input.target ?? (input.targets.length === 1 ? input.targets[0] : undefined);
  const targetOptions = input.targets.map((target) => option(target.name, target.key));
  const durations = offeredDurations(input).map((ms) => option(formatDuration(ms), formatDuration(ms)));
  const initialDuration = input.durationMs ?? chosen?.duration.defaultMs;
  const initialDurationOption =
    initialDuration === undefined ? undefined : durations.find((d) => d.value === formatDuration(initialDuration));
  const blocks: KnownBlock[] = [
    {
      type: 'input',
      block_id: REQUEST_MODAL.targetBlock,
      // Choosing a target tells Keycard at once, so the durations offered become that target's (views.update).
      dispatch_action: true,
      label: { type: 'plain_text', text: 'Access to' },
      element: {
        type: 'static_select',
        action_id: REQUEST_MODAL.targetAction,
        placeholder: { type: 'plain_text', text: 'Choose a target' },
        options: targetOptions,
        ...(chosen ? { initial_option: targetOptions.find((o) => o.value === chosen.key) } : {}),
      },
    },
    {
      type: 'input',
      block_id: REQUEST_MODAL.durationBlock,
      optional: true,
      label: { type: 'plain_text', text: 'For how long (the target’s default when none is chosen)' },
      element: {
        type: 'static_select',
        action_id: REQUEST_MODAL.durationAction,
        placeholder: { type: 'plain_text', text: 'Choose a duration' },
        options: durations,
        ...(initialDurationOption ? { initial_option: initialDurationOption } : {}),
      },
    },
    {
      type: 'input',
      block_id: REQUEST_MODAL.reasonBlock,
      label: { type: 'plain_text', text: 'Why? The approvers see this.' },
      element: {
        type: 'plain_text_input',
        action_id: REQUEST_MODAL.reasonAction,
        multiline: true,
        max_length: MAX_REASON_LENGTH,
        ...(input.reason ? { initial_value: input.reason.slice(0, MAX_REASON_LENGTH) } : {}),
      },
    },
  ];
  return {
    type: 'modal',
    callback_id: REQUEST_MODAL.callbackId,
    private_metadata: input.requestId,
    title: { type: 'plain_text', text: 'Request access' },
    submit: { type: 'plain_text', text: 'Ask approvers' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks,
  };
}

/** A confirmation (already escaped mrkdwn) with the button that withdraws the pending request. */
export function pendingConfirmation(text: string, workflowId: string): SlackMessage {
  return {
    text,
    blocks: [
      section(text),
      {
        type: 'actions',
        block_id: 'pending',
        elements: [button(CANCEL_REQUEST_ACTION, 'Cancel request', workflowId, 'danger')],
      },
    ],
  };
}
