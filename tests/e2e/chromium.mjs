// Debian's Chromium driven by playwright-core (no browser download: the
// binary is /usr/bin/chromium from apt, or S3MPU_CHROMIUM). Resolved from
// here so tests/browser/* find tests/e2e/node_modules.
import { access } from 'node:fs/promises';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.S3MPU_CHROMIUM || '/usr/bin/chromium';

// Quiet and deterministic: no GPU, no sandbox (root in a container), no
// background traffic to Google (the machine has no network anyway).
export const FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic',
];

/** Whether the browser binary is there (tests skip with a reason when not). */
export async function haveChromium() {
  try {
    await access(CHROMIUM);
    return true;
  } catch {
    return false;
  }
}

/**
 * Launch Chromium. playwright gives each launch a fresh --user-data-dir of
 * its own (a new temporary profile) and removes it on close.
 */
export function launchChromium() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS, timeout: 60_000 });
}
