import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from '../logger';

/** Bolt logs through Keycard's logger. */
export function boltLogger(logger: Logger): BoltLogger {
  let level = LogLevel.INFO;
  const child = logger.child({ component: 'bolt' });
  return {
    debug: (...messages) => child.debug(messages.map(String).join(' ')),
    info: (...messages) => child.info(messages.map(String).join(' ')),
    warn: (...messages) => child.warn(messages.map(String).join(' ')),
    error: (...messages) => child.error(messages.map(String).join(' ')),
    setLevel: (next) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}
