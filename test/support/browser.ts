/**
 * Debian's chromium for the browser tests, launched the way this machine needs (no sandbox as root, no
 * background networking: the network is closed). No browser is ever downloaded.
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const STEP_TIMEOUT_MS = 10_000;

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

// On a developer machine without Debian's chromium the browser suites cannot run (`apt-get install
// chromium`); CI installs it, so there (CI=true) a missing browser fails instead of being passed over.
export const BROWSER_AVAILABLE = existsSync(CHROMIUM) || process.env.CI === 'true';
if (!BROWSER_AVAILABLE)
  console.warn(`browser tests not run: ${CHROMIUM} is missing (apt-get install chromium)`);

/** A fresh headless chromium. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 15_000 });
}
