import type { App } from '@slack/bolt';
import { appHomeOpened, type HomeDependencies } from './appHomeOpened';

export function registerEvents(app: App, deps: HomeDependencies): void {
  app.event('app_home_opened', appHomeOpened(deps));
}
