import type { App, BlockAction, ButtonAction, StaticSelectAction } from '@slack/bolt';
import type { Catalog } from '../../../domain/catalog';
import type { GroupMembersCache } from '../../groupMembers';
import { ACTIONS } from '../../../views';
import type { GrantWorkflows } from '../../grantWorkflows';
import { CANCEL_REQUEST_ACTION, REQUEST_MODAL } from '../../../views/requestModal';
import { approveButton } from './approve';
import { cancelRequestButton } from './cancelRequest';
import { denyButton } from './deny';
import { requestExtensionButton } from './requestExtension';
import { revokeButton } from './revoke';
import { targetChosen } from './targetChosen';

/** The buttons Keycard's messages carry. */
export function registerActions(
  app: App,
  { grants, catalog, groups }: { grants: GrantWorkflows; catalog: Catalog; groups: GroupMembersCache },
): void {
  app.action<BlockAction<ButtonAction>>(ACTIONS.approve, approveButton({ grants }));
  app.action<BlockAction<ButtonAction>>(ACTIONS.deny, denyButton());
  app.action<BlockAction<ButtonAction>>(ACTIONS.requestExtension, requestExtensionButton());
  app.action<BlockAction<ButtonAction>>(ACTIONS.revoke, revokeButton({ grants }));
  app.action<BlockAction<ButtonAction>>(CANCEL_REQUEST_ACTION, cancelRequestButton({ grants }));
  // The request modal's target select (dispatch_action): its durations become the chosen target's.
  app.action<BlockAction<StaticSelectAction>>(
    { action_id: REQUEST_MODAL.targetAction },
    targetChosen({ catalog, groups }),
  );
}
