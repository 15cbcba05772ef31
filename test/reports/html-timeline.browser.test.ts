/**
 * The HTML timeline in a real browser: headless Chromium from the Debian
 * package (CI installs it; playwright-core never downloads one), on a report
 * of a real simulated finding. It must draw, link violations to their
 * evidence, and fetch nothing. The screenshot is left in .fuzz/ to look at.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Failure } from '../../src/runner/fuzz.js';
import { fuzz } from '../../src/runner/fuzz.js';
import { writeHtmlReport } from '../../src/reports/html-timeline.js';
import { simConfig } from '../support/sim-config.js';

const CHROMIUM = '/usr/bin/chromium';
const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const OUT = join(ROOT, '.fuzz');
const REPORT = join(OUT, 'html-timeline.html');
const SCREENSHOT = join(OUT, 'html-timeline.png');
// Everything that could reach the network on its own is off: the test asserts the page fetched nothing.
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

// Missing, every test fails with this (not skipped: CI installs Chromium, so its absence is a broken setup).
const MISSING = existsSync(CHROMIUM)
  ? undefined
  : `${CHROMIUM} is missing: install Chromium (apt-get install -y chromium; .ci/run does it) to run the HTML report's browser test`;

function needChromium(): void {
  if (MISSING !== undefined) throw new Error(MISSING);
}

let failure: Failure;
let context: BrowserContext;
let page: Page;
let profile: string;
const requests: string[] = [];

/** Whether the element shows inside the viewport and inside the timeline's own scroll box. */
function inView(id: string): Promise<boolean> {
  return page.evaluate((elementId) => {
    const el = document.getElementById(elementId);
    const box = el?.closest('.timeline-box')?.getBoundingClientRect();
    if (el === null || box === undefined) return false;
    const r = el.getBoundingClientRect();
    const head = el.closest('.timeline-box')?.querySelector('.lane-head')?.getBoundingClientRect().height ?? 0;
    const top = Math.max(0, box.top + head);
    const bottom = Math.min(window.innerHeight, box.bottom);
    return r.height > 0 && r.top >= top && r.bottom <= bottom && r.left >= Math.max(0, box.left) && r.left < Math.min(window.innerWidth, box.right);
  }, id);
}

describe('the HTML timeline in headless Chromium', () => {
  beforeAll(async () => {
    if (MISSING !== undefined) return;
    const outcome = await fuzz(simConfig(['priority-lifo'], 200, 1));
    expect(outcome.failure, 'the fuzzer finds priority-lifo with seed 1').toBeDefined();
    failure = outcome.failure as Failure;
    mkdirSync(OUT, { recursive: true });
    await writeHtmlReport(REPORT, {
      title: 'agentcom-fuzz: 1 finding',
      command: 'npm run fuzz -- --sim --fault priority-lifo --runs 200 --seed 1',
      findings: [
        {
          heading: `Finding 1: ${failure.violations.map((v) => `${v.invariant} ${v.name}`).join(', ')}`,
          violations: failure.violations,
          actions: failure.actions,
          outcomes: failure.outcomes,
          agentIds: ['agent-0', 'agent-1', 'agent-2'],
          history: failure.history,
          trace: failure.trace,
          replayCommands: [`npm run fuzz -- --replay ${failure.seed}:${failure.path} --sim --fault priority-lifo`],
        },
      ],
    });
    profile = mkdtempSync(join(tmpdir(), 'chromium-profile-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ARGS,
      viewport: { width: 1440, height: 720 },
    });
    context.on('request', (request) => requests.push(request.url()));
    page = await context.newPage();
    await page.goto(pathToFileURL(REPORT).href, { timeout: 15_000 });
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    if (profile !== undefined) rmSync(profile, { recursive: true, force: true });
  });

  it('draws the lanes and lists the violations', async () => {
    needChromium();
    const lanes = await page.locator('.lane-head > div').allTextContents();
    expect(lanes[0]).toBe('ms');
    expect(lanes).toContain('HTTP requests');
    const conns = new Set(failure.history.flatMap((e) => (e.kind === 'ws_open' ? [`${e.actor} conn ${e.payload.conn}`] : [])));
    expect(conns.size).toBeGreaterThan(0);
    for (const conn of conns) expect(lanes).toContain(conn);
    const drawn = await page.locator('g.ev').count();
    expect(drawn).toBe(failure.history.length - 1);
    const box = await page.locator('g.ev').first().boundingBox();
    expect(box?.width, 'events have a size on screen').toBeGreaterThan(0);
    const listed = await page.locator('.violation .inv').allTextContents();
    expect(listed).toEqual(failure.violations.map((v) => `✗ ${v.invariant} ${v.name}`));
  });

  it('shows an event in the side panel on hover and on keyboard focus', async () => {
    needChromium();
    const [first, second] = await page.locator('g.ev').evaluateAll((els) => els.slice(0, 2).map((el) => el.id));
    await page.locator(`#${first}`).hover();
    await expect.poll(() => page.locator('#panel .p-name').textContent()).toMatch(/^#\d+ · /);
    await page.locator(`#${second}`).focus();
    const seq = second?.split('-e')[1];
    await expect.poll(() => page.locator('#panel .p-name').textContent()).toMatch(new RegExp(`^#${seq} · `));
  });

  it('scrolls a violation’s evidence into view and highlights it when the violation is clicked', async () => {
    needChromium();
    const violation = failure.violations[0];
    const evidence = (violation?.evidence ?? []).map((seq) => `f1-e${seq}`);
    const last = evidence.at(-1) ?? '';
    // Start from elsewhere: the timeline scrolled to its far corner, the page to its end.
    await page.locator('.timeline-box').evaluate((el) => el.scrollTo(el.scrollWidth, el.scrollHeight));
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    expect(await inView(evidence[0] ?? ''), 'the first evidence is out of view before the click').toBe(false);

    await page.locator('.violation .vlink').first().click();
    for (const id of evidence) await expect.poll(() => page.locator(`#${id}`).getAttribute('class')).toMatch(/\bfocused\b/);
    await expect.poll(() => inView(evidence[0] ?? '')).toBe(true);

    await page.locator(`.evidence-list a[data-targets="${last}"]`).click();
    await expect.poll(() => inView(last)).toBe(true);
    expect(await page.locator('.focused').count(), 'one evidence link focuses its own event only').toBe(1);
    await page.locator('.violation .vlink').first().click();
    await page.screenshot({ path: SCREENSHOT, animations: 'disabled', fullPage: true });
  });

  it('made no network request: the page and nothing else', () => {
    needChromium();
    expect(requests).toEqual([pathToFileURL(REPORT).href]);
  });
});
