import type { Violation } from '../../../models/check.js';
import { asObject, stringField } from '../../../models/frames.js';
import type { HistoryEvent } from '../../../models/history.js';
import { describeAction, type Action } from '../../actions/action.js';
import type { ActionOutcome } from '../../runner/execute-action.js';
import type { SimStep } from '../../sim/scheduler.js';
import { departureNote, isRoutine, scheduleHeading, stepPhase } from '../schedule-report.js';
import { eventDetail, eventLabel, type EventDetail } from './event-text.js';
import { html } from './escape.js';
import { layoutTimeline, type TimelineLayout } from './timeline-layout.js';
import { AXIS_WIDTH, laneColumns, NO_TASK, NOTES_WIDTH, taskColour, timelineSvg } from './timeline-svg.js';

/** One finding: its violations, counterexample and the run that shows it. */
export interface HtmlFinding {
  heading: string;
  violations: readonly Violation[];
  actions: readonly Action[];
  outcomes: readonly ActionOutcome[];
  agentIds: readonly string[];
  history: readonly HistoryEvent[];
  /** A simulated run's schedule (empty over a real network). */
  trace: readonly SimStep[];
  replayCommands: readonly string[];
  savedTo?: string | null;
}

const MAX_EVIDENCE_LINES = 12;
/** A long simulated run has thousands of steps; past this many the page would be mostly schedule. */
const MAX_SCHEDULE_ROWS = 400;

function runMeta(history: readonly HistoryEvent[], actions: number): string {
  const start = history[0];
  const parts = [`${history.length} events`, `${actions} action(s)`];
  if (start?.kind === 'run_start') {
    const p = start.payload;
    parts.unshift(`seed ${p.seed ?? 'none'}`, `${p.target} hub`);
    if (p.faults.length > 0) parts.push(`faults: ${p.faults.join(', ')}`);
    const t = p.timers;
    parts.push(`timers: acceptance ${t.acceptanceMs} ms, sweeps ${t.overdueSweepMs}/${t.stuckSweepMs} ms, stuck ${t.stuckThresholdMs} ms, ws idle ${t.wsIdleMs} ms`);
  }
  return parts.join(' · ');
}

function targets(prefix: string, seqs: readonly number[]): string {
  return seqs.map((seq) => `${prefix}-e${seq}`).join(' ');
}

function violationItem(prefix: string, violation: Violation, history: readonly HistoryEvent[]): string {
  const first = violation.evidence[0];
  const href = first === undefined ? '' : ` href="#${prefix}-e${first}"`;
  const evidence = violation.evidence.slice(0, MAX_EVIDENCE_LINES).flatMap((seq) => {
    const event = history[seq];
    if (event === undefined) return [];
    const line = `<code>#${seq}</code> ${event.t.toFixed(1)} ms · ${html(event.actor)} · ${html(eventLabel(event))}`;
    return [`<li><a class="elink" href="#${prefix}-e${seq}" data-targets="${prefix}-e${seq}">${line}</a></li>`];
  });
  const more = violation.evidence.length - MAX_EVIDENCE_LINES;
  if (more > 0) evidence.push(`<li class="more">… ${more} more events (highlighted on the timeline)</li>`);
  return (
    `<li class="violation"><a class="vlink"${href} data-targets="${targets(prefix, violation.evidence)}">` +
    `<span class="inv">✗ ${html(violation.invariant)} ${html(violation.name)}</span></a> <span class="msg">${html(violation.message)}</span>` +
    `<ul class="evidence-list">${evidence.join('')}</ul></li>`
  );
}

/** What each task is, from its submission: the legend names tasks by id and description. */
function taskDescriptions(history: readonly HistoryEvent[]): Map<string, string> {
  const descriptions = new Map<string, string>();
  for (const event of history) {
    if (event.kind !== 'http' || event.payload.method !== 'POST' || event.payload.path !== '/api/tasks') continue;
    const taskId = stringField(asObject(event.payload.response), 'task_id');
    const body = asObject(event.payload.body);
    if (taskId === undefined) continue;
    const priority = body?.priority === undefined ? '' : ` (${JSON.stringify(body.priority)})`;
    descriptions.set(taskId, `${stringField(body, 'description') ?? ''}${priority}`);
  }
  return descriptions;
}

const SHAPES = [
  ['<path d="M1,1 L11,6 L1,11 Z" fill="#8a94a6"/>', 'frame sent by the agent'],
  ['<path d="M11,1 L1,6 L11,11 Z" fill="#8a94a6"/>', 'frame received'],
  ['<path d="M10,1 H3 V11 H10" fill="none" stroke="#8a94a6" stroke-width="2"/>', 'request → answer, frame → reply'],
  ['<circle cx="6" cy="6" r="4" fill="none" stroke="#c5221f" stroke-width="2"/>', 'evidence of a violation'],
  ['<text x="1" y="11" font-size="14" font-weight="700" fill="#e8710a">»</text>', 'step out of natural order'],
  ['<line x1="0" y1="6" x2="12" y2="6" stroke="#1a73e8" stroke-width="2"/>', 'phase'],
  ['<line x1="0" y1="6" x2="12" y2="6" stroke="#c5221f" stroke-width="2" stroke-dasharray="4 2"/>', 'kill'],
  ['<line x1="0" y1="6" x2="12" y2="6" stroke="#8e24aa" stroke-width="2" stroke-dasharray="4 2"/>', 'reconnect'],
  ['<line x1="0" y1="6" x2="12" y2="6" stroke="#e8710a" stroke-width="2"/>', 'hub restart'],
] as const;

function legend(layout: TimelineLayout, history: readonly HistoryEvent[]): string {
  const descriptions = taskDescriptions(history);
  const tasks = layout.tasks.map((task) => {
    const what = descriptions.get(task);
    return `<span class="task"><i class="sw" style="background:${taskColour(layout.tasks, task)}"></i><code>${html(task)}</code>${what === undefined ? '' : ` ${html(what)}`}</span>`;
  });
  const shapes = SHAPES.map(([svg, text]) => `<span><svg class="glyph" width="12" height="12">${svg}</svg> ${text}</span>`);
  return `<div class="legend">${tasks.join('')}<span class="task"><i class="sw" style="background:${NO_TASK}"></i>no single task</span></div><div class="legend">${shapes.join('')}</div>`;
}

function laneHead(layout: TimelineLayout): string {
  const cells = [`<div style="width:${AXIS_WIDTH}px" class="axis-head">ms</div>`, `<div style="width:${NOTES_WIDTH}px"><b>actions</b> <span>· phases · hub · kills</span></div>`];
  for (const column of laneColumns(layout.lanes)) {
    const title = column.conn === null ? '<b>HTTP</b> <span>requests</span>' : `<b>${html(column.actor)}</b> <span>conn ${column.conn}</span>`;
    cells.push(`<div style="width:${column.width}px">${title}</div>`);
  }
  return `<div class="lane-head">${cells.join('')}</div>`;
}

function actionList(finding: HtmlFinding): string {
  const items = finding.actions.map((action, i) => {
    const outcome = finding.outcomes[i];
    const note = outcome?.status === 'skipped' ? ` <span class="skip">(skipped: ${html(outcome.reason)})</span>` : '';
    return `<li>${html(describeAction(action, finding.agentIds))}${note}</li>`;
  });
  return `<div><h3>Counterexample (${finding.actions.length} actions)</h3><ol class="actions">${items.join('')}</ol></div>`;
}

function scheduleTable(prefix: string, trace: readonly SimStep[], actions: number): string {
  if (trace.length === 0) return '';
  const shown = trace.filter((s) => !isRoutine(s));
  const rows: string[] = [];
  let phase: number | undefined;
  for (const step of shown.slice(0, MAX_SCHEDULE_ROWS)) {
    if (step.action !== phase) rows.push(`<tr class="sched-head"><td colspan="4">── ${html(stepPhase(step.action, actions))}</td></tr>`);
    phase = step.action;
    const out = step.pick > 0;
    const note = out ? `<a class="mark" href="#${prefix}-d${step.step}" data-targets="${prefix}-d${step.step}">${html(departureNote(step))}</a>` : '';
    rows.push(`<tr${out ? ' class="out"' : ''}><td class="num">${step.step}</td><td class="num">${step.t.toFixed(0)} ms</td><td>${html(step.what)}</td><td>${note}</td></tr>`);
  }
  if (shown.length > MAX_SCHEDULE_ROWS) rows.push(`<tr class="sched-head"><td colspan="4">… ${shown.length - MAX_SCHEDULE_ROWS} more steps</td></tr>`);
  // Open when it has departures to show; a schedule in natural order is there for reference only.
  const open = trace.some((step) => step.pick > 0) ? ' open' : '';
  return `<details class="schedule"${open}><summary>${html(scheduleHeading(trace))}</summary><table class="schedule">${rows.join('')}</table></details>`;
}

function replay(finding: HtmlFinding): string {
  const saved = finding.savedTo ? `<p>Saved to <code>${html(finding.savedTo)}</code></p>` : '';
  return `<div><h3>Replay</h3>${saved}<pre class="replay">${finding.replayCommands.map(html).join('\n')}</pre></div>`;
}

/** The side panel's text for every focusable element of this finding, by element id. */
function details(prefix: string, layout: TimelineLayout, trace: readonly SimStep[], actions: number): Record<string, EventDetail> {
  const out: Record<string, EventDetail> = {};
  for (const { event } of layout.rows) out[`${prefix}-e${event.seq}`] = eventDetail(event, layout.partners.get(event.seq));
  for (const { step } of layout.departures) {
    // The steps around a departure tell more than the step alone: what it overtook, what followed.
    const around = trace
      .filter((s) => Math.abs(s.step - step.step) <= 3 && (s.step === step.step || !isRoutine(s)))
      .map((s) => `${s.step === step.step ? '»' : ' '} ${String(s.step).padStart(4)} ${s.t.toFixed(0).padStart(5)} ms  ${s.what}`);
    out[`${prefix}-d${step.step}`] = {
      title: `step ${step.step} · ${step.t.toFixed(0)} ms · ${stepPhase(step.action, actions)}`,
      body: `${departureNote(step)}\n${step.what}\n\nsteps around it:\n${around.join('\n')}`,
    };
  }
  return out;
}

/** One finding's section of the page, and the side panel's text for its elements. */
export function findingSection(finding: HtmlFinding, index: number): { html: string; details: Record<string, EventDetail> } {
  const prefix = `f${index + 1}`;
  const layout = layoutTimeline(finding.history, finding.trace);
  const evidence = new Set(finding.violations.flatMap((v) => v.evidence));
  const body = [
    `<section class="finding" id="${prefix}">`,
    `<h2>${html(finding.heading)}</h2>`,
    `<p class="meta">${html(runMeta(finding.history, finding.actions.length))}</p>`,
    `<div class="violations"><h3>Violations (${finding.violations.length})</h3><ol>${finding.violations.map((v) => violationItem(prefix, v, finding.history)).join('')}</ol></div>`,
    legend(layout, finding.history),
    `<div class="timeline-box">${laneHead(layout)}${timelineSvg(layout, prefix, evidence)}</div>`,
    `<div class="cols">${actionList(finding)}${replay(finding)}</div>`,
    scheduleTable(prefix, finding.trace, finding.actions.length),
    '</section>',
  ];
  return { html: body.join('\n'), details: details(prefix, layout, finding.trace, finding.actions.length) };
}
