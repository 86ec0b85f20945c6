/**
 * Block Kit messages as pure functions of a grant's status. The workflow decides what happened; these say it.
 */
export { alertText } from './alert';
export { approvalMessage } from './approvalMessage';
export { targetLine, type SlackMessage } from './blocks';
export { extensionRequestMessage } from './extensionRequest';
export { grantHistoryMessage } from './grantHistory';
export type { GrantListing } from './grantListing';
export { homeView, type HomeGrant } from './homeView';
export { ACTIONS, DENY_MODAL, EXTENSION_MODAL } from './ids';
export { liveGrantsMessage } from './liveGrants';
export { denyModal, extensionModal } from './modals';
export { outcomeLine } from './outcome';
export { requesterNotice } from './requesterNotice';
export { accountsText, catalogTargetText, shownTargetOf, type ShownTarget } from './target';
export { channelLink, escapeLine, escapeText, mention, oneLine } from './text';
