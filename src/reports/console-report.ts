import pc from 'picocolors';
import type { HistoryEvent } from '../../models/history.js';
import type { Violation } from '../../models/check.js';
import { describeAction, type Action } from '../actions/action.js';
import { redactText } from '../http/redact.js';
import type { ActionOutcome } from '../runner/execute-action.js';
import type { Finding } from '../runner/findings.js';
import type { SimStep } from '../sim/scheduler.js';
import { formatTrace } from './schedule-report.js';

const MAX_EVIDENCE_LINES = 12;
const MAX_PAYLOAD_CHARS = 240;

function clip(text: string): string {
  return text.length > MAX_PAYLOAD_CHARS ? `${text.slice(0, MAX_PAYLOAD_CHARS)}…` : text;
}

/** One history event as a line a person can read. */
export function formatEvent(event: HistoryEvent): string {
  const head = `#${event.seq} ${event.t.toFixed(1).padStart(8)} ms  ${event.actor.padEnd(14)}`;
  const p = event.payload;
  switch (event.kind) {
    case 'ws_send':
    case 'ws_recv': {
      const arrow = event.kind === 'ws_send' ? '→' : '←';
      const body = event.payload.binary ? '<binary>' : (event.payload.raw ?? JSON.stringify(event.payload.frame));
      return `${head} ${arrow} conn ${event.payload.conn} ${clip(redactText(String(body)))}`;
    }
    case 'http': {
      const answer = event.payload.status === null ? `no answer (${event.payload.error ?? 'unknown'})` : String(event.payload.status);
      return `${head} ${event.payload.method} ${event.payload.path} → ${answer} ${clip(redactText(JSON.stringify(event.payload.response ?? '')))}`;
    }
    default:
      return `${head} ${event.kind} ${clip(redactText(JSON.stringify(p)))}`;
  }
}

export function formatActions(actions: readonly Action[], outcomes: readonly ActionOutcome[], agentIds: readonly string[]): string[] {
  return actions.map((action, i) => {
    const outcome = outcomes[i];
    const note = outcome?.status === 'skipped' ? pc.dim(`  (skipped: ${outcome.reason})`) : '';
    return `${String(i + 1).padStart(3)}. ${describeAction(action, agentIds)}${note}`;
  });
}

export function formatViolation(violation: Violation, history: readonly HistoryEvent[]): string[] {
  const lines = [pc.red(`✗ ${violation.invariant} ${violation.name}: ${violation.message}`)];
  const evidence = violation.evidence.slice(0, MAX_EVIDENCE_LINES);
  for (const seq of evidence) {
    const event = history[seq];
    if (event) lines.push(`    ${formatEvent(event)}`);
  }
  if (violation.evidence.length > evidence.length) {
    lines.push(pc.dim(`    … ${violation.evidence.length - evidence.length} more events`));
  }
  return lines;
}

export interface FailureReportInput {
  property: string;
  violations: readonly Violation[];
  actions: readonly Action[];
  outcomes: readonly ActionOutcome[];
  agentIds: readonly string[];
  history: readonly HistoryEvent[];
  shrinks?: number;
  /** A simulated run's schedule, step by step. */
  trace?: readonly SimStep[];
  replayCommands: readonly string[];
  savedTo?: string;
}

export function formatFailure(input: FailureReportInput): string {
  const lines: string[] = [];
  lines.push(pc.bold(pc.red(`Property "${input.property}" failed: ${input.violations.length} violation(s)`)));
  for (const violation of input.violations) lines.push(...formatViolation(violation, input.history));
  const shrunk = input.shrinks === undefined ? '' : `, shrunk ${input.shrinks} time(s)`;
  lines.push('', pc.bold(`Counterexample (${input.actions.length} actions${shrunk}):`));
  lines.push(...formatActions(input.actions, input.outcomes, input.agentIds));
  if (input.trace !== undefined && input.trace.length > 0) lines.push('', ...formatTrace(input.trace, input.actions.length));
  if (input.savedTo) lines.push('', `Saved to ${input.savedTo}`);
  lines.push('', pc.bold('Replay:'));
  for (const command of input.replayCommands) lines.push(`  ${command}`);
  return lines.join('\n');
}

/** With several findings: one line each, what it broke, where it was first seen, how often, how small it got. */
export function formatFindingsTable(findings: readonly Finding[]): string {
  const rows = findings.map((f) => [
    String(f.number),
    f.buckets.join(', '),
    f.fromCorpus === undefined ? String(f.firstRun + 1) : 'corpus',
    String(f.hits),
    `${f.failure.actions.length} (of ${f.originalLength})`,
  ]);
  const head = ['finding', 'invariant/kind', 'first run', 'runs hit', 'shrunk length'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [pc.bold(line(head)), ...rows.map(line)].join('\n');
}
