import type { App, ViewSubmitAction } from '@slack/bolt';
import { DENY_MODAL, EXTENSION_MODAL } from '../../../views';
import type { GrantWorkflows } from '../../grantWorkflows';
import { denyReasonSubmitted } from './denyReason';
import { extensionSubmitted, type ExtensionDependencies } from './extension';

/** The modals' submissions. */
export function registerViews(
  app: App,
  { settings, grants }: { settings: ExtensionDependencies['settings']; grants: GrantWorkflows },
): void {
  app.view<ViewSubmitAction>(DENY_MODAL.callbackId, denyReasonSubmitted({ grants }));
  app.view<ViewSubmitAction>(EXTENSION_MODAL.callbackId, extensionSubmitted({ settings, grants }));
}
