import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { ACTIONS } from '../../../views';
import type { GrantWorkflows } from '../../grantWorkflows';
import { CANCEL_REQUEST_ACTION } from '../../../views/requestModal';
import { approveButton } from './approve';
import { cancelRequestButton } from './cancelRequest';
import { denyButton } from './deny';
import { requestExtensionButton } from './requestExtension';
import { revokeButton } from './revoke';

/** The buttons Keycard's messages carry. */
export function registerActions(app: App, { grants }: { grants: GrantWorkflows }): void {
  app.action<BlockAction<ButtonAction>>(ACTIONS.approve, approveButton({ grants }));
  app.action<BlockAction<ButtonAction>>(ACTIONS.deny, denyButton());
  app.action<BlockAction<ButtonAction>>(ACTIONS.requestExtension, requestExtensionButton());
  app.action<BlockAction<ButtonAction>>(ACTIONS.revoke, revokeButton({ grants }));
  app.action<BlockAction<ButtonAction>>(CANCEL_REQUEST_ACTION, cancelRequestButton({ grants }));
}
