import type { App, ViewSubmitAction } from '@slack/bolt';
import { DENY_MODAL, EXTENSION_MODAL } from '../../../views';
import type { GrantWorkflows } from '../../grantWorkflows';
import { denyReasonSubmitted } from './denyReason';
import { extensionSubmitted, type ExtensionDependencies } from './extension';
import { requestSubmitted, type RequestModalDependencies } from './requestModal';
import { REQUEST_MODAL } from '../../../views/requestModal';

/** The modals' submissions. */
export function registerViews(
  app: App,
  {
    settings,
    grants,
    requests,
  }: { settings: ExtensionDependencies['settings']; grants: GrantWorkflows; requests: RequestModalDependencies },
): void {
  app.view<ViewSubmitAction>(DENY_MODAL.callbackId, denyReasonSubmitted({ grants }));
  app.view<ViewSubmitAction>(EXTENSION_MODAL.callbackId, extensionSubmitted({ settings, grants }));
  app.view<ViewSubmitAction>(REQUEST_MODAL.callbackId, requestSubmitted(requests));
}
