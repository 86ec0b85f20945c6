/** The headless Chromium the browser tests drive: Debian's (`bash .ci/run` installs it) or KEYCARD_TEST_CHROMIUM. */
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.KEYCARD_TEST_CHROMIUM ?? '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  // Playwright gives the browser a fresh profile of its own; these flags keep it off this closed network.
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
