import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Violation } from '../../models/check.js';
import type { HistoryEvent } from '../../models/history.js';
import { renderHtmlReport, writeHtmlReport, type HtmlFinding } from '../../src/reports/html-timeline.js';
import type { SimStep } from '../../src/sim/scheduler.js';
import { HistoryBuilder } from '../models/support/history-builder.js';

const TOKEN = '0123456789abcdef'.repeat(4);
const HOSTILE = '</script><img src=x onerror=alert(1)>';

/** Two agents (one killed and reconnected), HTTP, a hub restart, the quiesce: every kind of lane and rule. */
function history(): { events: HistoryEvent[]; conns: number[]; evidence: number[] } {
  const b = new HistoryBuilder({ agentIds: ['a1', 'a2'] });
  b.at(1);
  b.record({ actor: 'runner', kind: 'action', payload: { index: 0, text: 'submit a task' } });
  const task = b.submit({ priority: 'urgent' });
  b.at(3);
  const first = b.connect('a1', ['python']);
  b.at(5);
  const push = b.assign(first, task);
  b.at(6);
  b.send(first, { type: 'task_complete', task_id: task, generation: 1, result: { note: HOSTILE } });
  b.at(8).close(first, 'client_kill');
  b.at(9);
  const second = b.connect('a1');
  const other = b.connect('a2');
  b.at(12).hub('restart_begin', true).at(20).hub('restart_end', true);
  b.at(22).phase('quiesce');
  const minted = b.http('POST', '/admin/tokens', 201, { agent_id: 'a2', token: TOKEN });
  b.at(700).snapshot();
  b.phase('teardown');
  return { events: b.build(), conns: [first, second, other], evidence: [push, minted] };
}

function finding(overrides: Partial<HtmlFinding> = {}): HtmlFinding {
  const { events, evidence } = history();
  const violation: Violation = { invariant: 'I2', kind: 'two-holders', name: 'single-holder', message: `pushed twice ${HOSTILE}`, evidence };
  return {
    heading: `Finding 1: I2 single-holder ${HOSTILE}`,
    violations: [violation],
    actions: [{ kind: 'submit', priority: 'urgent', capabilities: [], maxRetries: 0, completeBy: 'none' }],
    outcomes: [{ status: 'done' }],
    agentIds: ['a1', 'a2'],
    history: events,
    trace: [],
    replayCommands: ['npm run fuzz -- --replay 7:1:2 --sim'],
    savedTo: '.fuzz/failures/x.json',
    ...overrides,
  };
}

/** Every value of a src or href attribute of a tag in the page (text that merely reads `src=` is escaped, so no tag). */
function urls(page: string): string[] {
  const tags = page.match(/<[a-z][^>]*>/gi) ?? [];
  return tags.flatMap((tag) => [...tag.matchAll(/\s(?:src|href)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/gi)].map((m) => m[1] ?? m[2] ?? m[3] ?? ''));
}

function embeddedData(page: string): Record<string, { title: string; body: string }> {
  const match = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(page);
  expect(match, 'the page embeds its data').not.toBeNull();
  return JSON.parse(match?.[1] ?? '{}') as Record<string, { title: string; body: string }>;
}

describe('renderHtmlReport', () => {
  const page = renderHtmlReport({ title: 'agentcom-fuzz findings', command: 'npm run fuzz -- --sim', findings: [finding()] });

  it('references nothing outside the page: every src and href is a fragment or a data: URL', () => {
    const found = urls(page);
    expect(found.length).toBeGreaterThan(0);
    for (const url of found) expect(url, url).toMatch(/^(#|data:)/);
    expect(page).not.toMatch(/https?:/i);
    expect(page).not.toMatch(/<(script|link|img|iframe)\b[^>]*\bsrc=/i);
  });

  it('draws one lane per connection and one for HTTP, each named in the header', () => {
    const { conns } = history();
    expect(page).toContain('<b>HTTP</b>');
    for (const conn of conns) expect(page).toContain(`conn ${conn}</span>`);
    const lanes = [...page.matchAll(/<div style="width:\d+px"><b>/g)];
    expect(lanes).toHaveLength(1 + 1 + conns.length); // the notes column, HTTP, the connections
  });

  it('gives every event but the run start an element, and marks the evidence', () => {
    const { events, evidence } = history();
    for (const event of events.slice(1)) expect(page, `event #${event.seq}`).toContain(`id="f1-e${event.seq}"`);
    for (const seq of evidence) expect(page).toMatch(new RegExp(`<g class="ev [^"]*\\bevidence\\b[^"]*" id="f1-e${seq}"`));
    expect(page).toContain(`data-targets="${evidence.map((seq) => `f1-e${seq}`).join(' ')}"`);
  });

  it('marks the kill, the reconnect, the hub restart and the phases across the lanes', () => {
    for (const kind of ['kill', 'reconnect', 'hub', 'phase', 'action']) expect(page).toContain(`class="rule rule-${kind}"`);
    // Teardown kills every socket; those are not news.
    expect([...page.matchAll(/class="rule rule-kill"/g)]).toHaveLength(1);
  });

  it('redacts tokens, in the drawing and in the embedded data', () => {
    expect(page).not.toContain(TOKEN);
    expect(page).not.toContain('f'.repeat(64));
    expect(page).toContain('redacted:01234567');
    expect(JSON.stringify(embeddedData(page))).not.toContain(TOKEN);
  });

  it('escapes what it embeds: markup in a heading, a message or a frame stays text', () => {
    expect(page).not.toContain('<img');
    expect([...page.matchAll(/<script\b/g)]).toHaveLength(2);
    expect([...page.matchAll(/<\/script>/g)]).toHaveLength(2);
    expect(page).toContain('&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;');
    const bodies = Object.values(embeddedData(page)).map((d) => d.body);
    expect(bodies.some((body) => body.includes(HOSTILE)), 'the frame comes back intact from the JSON').toBe(true);
  });

  it('lists the counterexample and the replay commands', () => {
    expect(page).toContain('submit a task: priority &quot;urgent&quot;, needs no capabilities, max_retries 0');
    expect(page).toContain('npm run fuzz -- --replay 7:1:2 --sim');
    expect(page).toContain('.fuzz/failures/x.json');
  });

  it('marks a simulated schedule’s out-of-order steps » on the axis and in the schedule', () => {
    const step = (n: number, pick: number): SimStep => ({ step: n, t: 6, what: `step ${n}`, ready: 2, pick, action: 0, choice: pick > 0 ? 0 : null, routine: false });
    const simulated = renderHtmlReport({ title: 't', findings: [finding({ trace: [step(0, 0), step(1, 1), step(2, 0)] })] });
    expect(simulated).toContain('id="f1-d1"');
    expect(simulated).not.toContain('id="f1-d0"');
    expect(simulated).toContain('» choice 0: took 2 of 2 ready');
    expect(simulated).toContain('Schedule (3 steps, 1 out of natural order');
    expect(page).not.toContain('class="departure"');
  });

  it('gives each finding its own section and ids', () => {
    const two = renderHtmlReport({ title: 't', findings: [finding(), finding({ heading: 'Finding 2' })] });
    expect(two).toContain('<section class="finding" id="f1">');
    expect(two).toContain('<section class="finding" id="f2">');
    expect(two).toContain('id="f2-e3"');
    expect(Object.keys(embeddedData(two)).some((id) => id.startsWith('f2-'))).toBe(true);
  });
});

describe('writeHtmlReport', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('makes the directory and writes the page', async () => {
    dir = mkdtempSync(join(tmpdir(), 'html-report-'));
    const file = join(dir, 'nested', 'deeper', 'report.html');
    await writeHtmlReport(file, { title: 'written', findings: [finding()] });
    expect(readFileSync(file, 'utf8')).toMatch(/^<!DOCTYPE html>[\s\S]*<title>written<\/title>/);
  });
});
