/**
 * `--html FILE`: one self-contained HTML page per invocation of the fuzzer,
 * a section per finding, each with its violations (linked to their
 * evidence), a timeline of the run (a lane per connection and one for HTTP,
 * time running down), the counterexample, the simulated schedule and the
 * replay commands. Styles, script and data are inline: the page makes no
 * request, so it can be opened from a CI artifact as it is.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { HistoryEvent } from '../../models/history.js';
import { redactTokens } from '../http/redact.js';
import { html, scriptJson } from './html/escape.js';
import { findingSection, type HtmlFinding } from './html/finding-section.js';
import { PAGE_SCRIPT } from './html/page-script.js';
import { PAGE_STYLE } from './html/page-style.js';

export type { HtmlFinding };

export interface HtmlReportInput {
  title: string;
  /** The command line that produced the findings, shown under the title. */
  command?: string;
  findings: readonly HtmlFinding[];
}

function header(input: HtmlReportInput): string {
  const command = input.command === undefined ? '' : `<p><code>${html(input.command)}</code></p>`;
  const count = input.findings.length === 1 ? '1 finding' : `${input.findings.length} findings`;
  const nav =
    input.findings.length > 1 ? `<nav>${input.findings.map((f, i) => `<a href="#f${i + 1}">${i + 1}. ${html(f.heading)}</a>`).join('')}</nav>` : '';
  return `<header class="top"><h1>${html(input.title)}</h1>${command}<p>${count} · hover or focus (Tab) an event to see it in full; click a violation to jump to its evidence</p>${nav}</header>`;
}

/** The whole page as one string; pure, so a test can read it as it is. */
export function renderHtmlReport(input: HtmlReportInput): string {
  const sections = input.findings.map((finding, i) =>
    findingSection({ ...finding, history: redactTokens(finding.history) as readonly HistoryEvent[] }, i),
  );
  const details = Object.assign({}, ...sections.map((s) => s.details)) as Record<string, unknown>;
  const empty = input.findings.length === 0 ? '<p>No findings: every run passed.</p>' : '';
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // An empty icon, or the browser asks the page's origin for /favicon.ico.
    '<link rel="icon" href="data:,">',
    `<title>${html(input.title)}</title>`,
    `<style>${PAGE_STYLE}</style></head><body>`,
    header(input),
    `<main>${empty}${sections.map((s) => s.html).join('\n')}</main>`,
    '<aside id="panel" hidden aria-live="polite"><div class="p-title"><span class="p-name"></span><button type="button" aria-label="close">×</button></div><pre></pre></aside>',
    `<script type="application/json" id="report-data">${scriptJson(details)}</script>`,
    `<script>${PAGE_SCRIPT}</script>`,
    '</body></html>',
  ].join('\n');
}

/** Writes the page, making the directory if need be. */
export async function writeHtmlReport(file: string, input: HtmlReportInput): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, renderHtmlReport(input));
}
