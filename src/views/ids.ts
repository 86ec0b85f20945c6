/**
 * The ids Slack echoes back when someone clicks a button or submits a modal: the views put them in, the listeners
 * match on them. Keep them stable: messages already posted carry them.
 */
export const ACTIONS = {
  approve: 'keycard_approve',
  deny: 'keycard_deny',
  revoke: 'keycard_revoke',
  requestExtension: 'keycard_request_extension',
} as const;

export const DENY_MODAL = { callbackId: 'keycard_deny_reason', block: 'reason', action: 'reason_input' } as const;

export const EXTENSION_MODAL = {
  callbackId: 'keycard_extension',
  durationBlock: 'duration',
  durationAction: 'duration_input',
  reasonBlock: 'reason',
  reasonAction: 'reason_input',
} as const;
