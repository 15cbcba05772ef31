import type { HistoryEvent } from '../../../models/history.js';
import { eventLabel, HTTP_LANE } from './event-text.js';
import { html } from './escape.js';
import { ROW, type Lane, type Row, type Rule, type TimelineLayout } from './timeline-layout.js';

export const AXIS_WIDTH = 76;
export const NOTES_WIDTH = 330;
const HTTP_WIDTH = 250;
const CONN_WIDTH = 224;
const TRACK = 7;
/** Average width of a label character at the timeline's font size: labels are cut to fit their lane. */
const CHAR_PX = 5.9;
export const NO_TASK = '#8a94a6';

/** Distinct enough side by side; red stays free for violations. */
const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#b07aa1', '#76b7b2', '#d4a500', '#ff9da7', '#9c755f', '#2f4b7c', '#a05195', '#00a0b0', '#6b8e23'];

export function taskColour(tasks: readonly string[], task: string | undefined): string {
  const index = task === undefined ? -1 : tasks.indexOf(task);
  return index === -1 ? NO_TASK : (PALETTE[index % PALETTE.length] ?? NO_TASK);
}

/** Lanes with their x and width, in drawing order, to the right of the notes column. */
export function laneColumns(lanes: readonly Lane[]): Array<Lane & { x: number; width: number }> {
  let x = NOTES_WIDTH;
  return lanes.map((lane) => {
    const width = lane.key === HTTP_LANE ? HTTP_WIDTH : CONN_WIDTH;
    const column = { ...lane, x, width };
    x += width;
    return column;
  });
}

function fit(text: string, px: number): string {
  const chars = Math.max(4, Math.floor(px / CHAR_PX));
  return text.length > chars ? `${text.slice(0, chars - 1)}…` : text;
}

function timeLabel(t: number): string {
  return Number.isInteger(t) ? String(t) : t.toFixed(1);
}

function marker(event: HistoryEvent, colour: string): string {
  switch (event.kind) {
    case 'ws_send':
      return `<path class="mk" d="M-5,-5 L5,0 L-5,5 Z" fill="${colour}"/>`;
    case 'ws_recv':
      return `<path class="mk" d="M5,-5 L-5,0 L5,5 Z" fill="${colour}"/>`;
    case 'ws_open':
      return `<circle class="mk" r="4" fill="#fff" stroke="${NO_TASK}" stroke-width="2"/>`;
    case 'ws_close':
      return event.payload.by === 'client_kill'
        ? `<path class="mk" d="M-4,-4 L4,4 M4,-4 L-4,4" stroke="#c5221f" stroke-width="2.5"/>`
        : `<rect class="mk" x="-4" y="-4" width="8" height="8" fill="${NO_TASK}"/>`;
    case 'probe':
      return `<path class="mk" d="M0,-5 L5,0 L0,5 L-5,0 Z" fill="${NO_TASK}"/>`;
    default:
      return `<circle class="mk" r="5" fill="${colour}"/>`;
  }
}

interface Ids {
  /** Element id prefix of this finding's section, e.g. `f1`. */
  prefix: string;
  evidence: ReadonlySet<number>;
}

function eventGroup(ids: Ids, event: HistoryEvent, x: number, y: number, width: number, inner: string): string {
  const classes = ['ev', `k-${event.kind}`, ids.evidence.has(event.seq) ? 'evidence' : ''].filter((c) => c !== '').join(' ');
  const halo = ids.evidence.has(event.seq) ? '<circle class="halo" r="9"/>' : '';
  return (
    `<g class="${classes}" id="${ids.prefix}-e${event.seq}" data-seq="${event.seq}" tabindex="0" transform="translate(${x},${y})">` +
    `<rect class="hit" x="-10" y="${-ROW / 2}" width="${width}" height="${ROW}" rx="3"/>${halo}${inner}</g>`
  );
}

function laneEvent(ids: Ids, layout: TimelineLayout, row: Row, column: Lane & { x: number; width: number }): string {
  const x = column.x + 14 + column.tracks * TRACK;
  // The label starts 10 px right of the marker and keeps 14 px clear of the next lane.
  const labelWidth = column.x + column.width - x - 24;
  const colour = taskColour(layout.tasks, row.task);
  const label = `<text class="lbl" x="10" y="4">${html(fit(eventLabel(row.event), labelWidth))}</text>`;
  return eventGroup(ids, row.event, x, row.y, labelWidth + 24, marker(row.event, colour) + label);
}

const RULE_ICON: Record<Rule['kind'], string> = { action: '▶', phase: '◆', hub: '⟳', kill: '✕', reconnect: '↻' };

function ruleNote(event: HistoryEvent): string {
  if (event.kind === 'ws_close') return `${event.actor} conn ${event.payload.conn} killed`;
  if (event.kind === 'ws_open') return `${event.actor} connects again (conn ${event.payload.conn})`;
  return eventLabel(event);
}

/** Phase bands and evidence rows: drawn under both the axis and the lanes, so a row reads across. */
function backdrop(layout: TimelineLayout, width: number, evidence: ReadonlySet<number>): string[] {
  const parts: string[] = [];
  for (const band of layout.bands) {
    if (band.phase !== 'actions') parts.push(`<rect class="band band-${band.phase}" x="0" y="${band.y1}" width="${width}" height="${band.y2 - band.y1}"/>`);
  }
  for (const row of layout.rows) {
    if (evidence.has(row.event.seq)) parts.push(`<rect class="evidence-row" x="0" y="${row.y - ROW / 2}" width="${width}" height="${ROW}"/>`);
  }
  return parts;
}

function svg(cls: string, width: number, height: number, parts: readonly string[], defs = ''): string {
  return `<svg class="${cls}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${defs}${parts.join('')}</svg>`;
}

/** The time axis: ms of each row (where there is room), compressed stretches, and the schedule's » departures. */
function axisSvg(layout: TimelineLayout, prefix: string, evidence: ReadonlySet<number>): string {
  const parts = backdrop(layout, AXIS_WIDTH, evidence);
  let lastTick = -Infinity;
  let lastLabel = '';
  for (const row of layout.rows) {
    const label = timeLabel(row.event.t);
    if (label === lastLabel || row.y - lastTick < 13) continue;
    parts.push(`<text class="tick" x="${AXIS_WIDTH - 8}" y="${row.y + 4}">${label}</text>`);
    lastTick = row.y;
    lastLabel = label;
  }
  for (const gap of layout.breaks) parts.push(`<text class="gap-lbl" x="${AXIS_WIDTH - 8}" y="${(gap.y1 + gap.y2) / 2 + 4}">+${Math.round(gap.ms)} ms</text>`);
  const taken = new Map<number, number>();
  for (const { y, step } of layout.departures) {
    const slot = taken.get(Math.round(y)) ?? 0;
    taken.set(Math.round(y), slot + 1);
    parts.push(
      `<g class="departure" id="${prefix}-d${step.step}" data-step="${step.step}" tabindex="0" transform="translate(${8 + slot * 12},${y})">` +
        `<rect class="hit" x="-4" y="-9" width="14" height="18" rx="3"/><text class="mark" x="0" y="5">»</text></g>`,
    );
  }
  return svg('axis', AXIS_WIDTH, layout.height, parts);
}

/** The notes column and the lanes: every event an element with an id (`<prefix>-e<seq>`) the page's links and script can reach. */
function lanesSvg(layout: TimelineLayout, prefix: string, evidence: ReadonlySet<number>): string {
  const ids: Ids = { prefix, evidence };
  const columns = laneColumns(layout.lanes);
  const width = (columns.at(-1)?.x ?? NOTES_WIDTH) + (columns.at(-1)?.width ?? 0);
  const rowOf = new Map(layout.rows.map((row) => [row.event.seq, row]));
  const parts = columns.flatMap((column, i) => (i % 2 === 0 ? [`<rect class="lane-bg" x="${column.x}" y="0" width="${column.width}" height="${layout.height}"/>`] : []));
  parts.push(...backdrop(layout, width, evidence));
  for (const column of columns) {
    const guide = column.x + 14 + column.tracks * TRACK;
    parts.push(`<line class="lane-line" x1="${guide}" x2="${guide}" y1="${column.from}" y2="${column.to}"/>`);
  }
  for (const gap of layout.breaks) {
    const h = gap.y2 - gap.y1 - ROW;
    if (h > 4) parts.push(`<rect class="gap" fill="url(#${prefix}-hatch)" x="0" y="${gap.y1 + ROW / 2}" width="${width}" height="${h}"/>`);
  }
  for (const rule of layout.rules) {
    const row = rowOf.get(rule.seq);
    if (row === undefined) continue;
    // The line runs across the lanes only: in the notes column the note itself marks the row.
    parts.push(`<line class="rule rule-${rule.kind}" x1="${NOTES_WIDTH}" x2="${width}" y1="${rule.y}" y2="${rule.y}"/>`);
    const note = `<text class="note note-${rule.kind}" x="0" y="4">${html(`${RULE_ICON[rule.kind]} ${fit(ruleNote(row.event), NOTES_WIDTH - 30)}`)}</text>`;
    parts.push(row.lane === null ? eventGroup(ids, row.event, 12, rule.y, NOTES_WIDTH - 16, note) : `<g transform="translate(12,${rule.y})">${note}</g>`);
  }
  const columnOf = new Map(columns.map((column) => [column.key, column]));
  for (const span of layout.spans) {
    const column = columnOf.get(span.lane);
    if (column === undefined) continue;
    const x = column.x + 8 + span.track * TRACK;
    const end = column.x + 14 + column.tracks * TRACK;
    const cls = span.lane === HTTP_LANE ? 'span span-http' : 'span span-ws';
    parts.push(`<path class="${cls}" stroke="${taskColour(layout.tasks, span.task)}" d="M${end},${span.y1} H${x} V${span.y2} H${end}"/>`);
  }
  for (const row of layout.rows) {
    const column = row.lane === null ? undefined : columnOf.get(row.lane);
    if (column !== undefined) parts.push(laneEvent(ids, layout, row, column));
  }
  const hatch = `<defs><pattern id="${prefix}-hatch" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="8" class="hatch"/></pattern></defs>`;
  return svg('lanes', width, layout.height, parts, hatch);
}

/**
 * The timeline of one run as inline SVG, time running down: the axis
 * (kept in view while the lanes scroll sideways), then the notes column
 * (actions, phases, hub, kills) and a lane per connection after the HTTP one.
 */
export function timelineSvg(layout: TimelineLayout, prefix: string, evidence: ReadonlySet<number>): string {
  return `<div class="tl-body"><div class="tl-axis">${axisSvg(layout, prefix, evidence)}</div>${lanesSvg(layout, prefix, evidence)}</div>`;
}
