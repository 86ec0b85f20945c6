import type { App } from '@slack/bolt';
import type { GrantWorkflows } from '../../grantWorkflows';
import { appHomeOpened } from './appHomeOpened';

export function registerEvents(app: App, deps: { approverChannel: string; grants: GrantWorkflows }): void {
  app.event('app_home_opened', appHomeOpened(deps));
}
