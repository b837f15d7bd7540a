import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { projectRoot } from '../../lib/project-root';
import { resolveChromium } from '../../devstack/chromium';

export const SCREENSHOT_DIR = path.join(projectRoot(), 'test-artifacts', 'screenshots');
export const PHONE = { width: 390, height: 844 };

/** Flags for a quiet, reproducible headless Chromium (no background traffic, no sandbox inside containers). */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

/**
 * Debian's Chromium, found or installed by devstack/chromium.ts; a missing browser fails the run with what
 * to install, never a skip. Playwright gives every launch a fresh temporary user-data-dir.
 */
export async function launchChromium(): Promise<Browser> {
  const executablePath = await resolveChromium();
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  return chromium.launch({ executablePath, args: CHROMIUM_FLAGS, headless: true, timeout: 30_000 });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/** A payload that would run or add markup if any free text reached the page unescaped. */
export const XSS = `<img src=x id=pwned onerror="document.body.dataset.pwned=1"><script>document.body.dataset.pwned=1</script>"'&`;

/** A payload short enough for a name field (50 characters). */
export const XSS_NAME = `<b id=pwned>王老师</b>"'&`;

/** True when the page holds markup injected by XSS: the payload's element, or its marker. */
export async function injected(page: Page): Promise<boolean> {
  // A string expression: the test project has no DOM types.
  return page.evaluate<boolean>(
    "document.getElementById('pwned') != null || document.body.dataset.pwned != null",
  );
}
