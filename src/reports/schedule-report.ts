import pc from 'picocolors';
import type { SimStep } from '../sim/scheduler.js';

const MAX_TRACE_LINES = 160;

/** Steps that only keep the simulation turning: the scheduler's routine ones (keepalives, sweeps), pings, disk syncs, idle checks. */
export function isRoutine(step: SimStep): boolean {
  return step.pick === 0 && (step.routine || /: ping$|fsync|idle check/.test(step.what));
}

/** Which part of the run a step came during: an action (numbered as in the counterexample), or the quiesce after them. */
export function stepPhase(action: number, actions: number): string {
  return action < actions ? `during action ${action + 1}` : 'after the actions: quiesce and snapshot';
}

/** Why a step is marked »: the choice it was and which of the ready events went. */
export function departureNote(step: SimStep): string {
  return `» choice ${step.choice}: took ${step.pick + 1} of ${step.ready} ready`;
}

export function scheduleHeading(trace: readonly SimStep[]): string {
  const departures = trace.filter((step) => step.pick > 0).length;
  return `Schedule (${trace.length} steps, ${departures} out of natural order; keepalives, syncs and sweeps not shown)`;
}

function actionHeading(action: number, actions: number): string {
  return pc.dim(`  ── ${stepPhase(action, actions)}`);
}

/**
 * The simulated run as it happened: every delivery and timer in order, with
 * virtual time, under the action it came during (numbered as in the
 * counterexample). A step that departs from the natural order is marked »
 * with its choice and how many events it had to choose from; routine steps
 * are left out.
 */
export function formatTrace(trace: readonly SimStep[], actions: number): string[] {
  const shown = trace.filter((step) => !isRoutine(step));
  const lines = [pc.bold(`${scheduleHeading(trace)}:`)];
  let action: number | undefined;
  for (const step of shown.slice(0, MAX_TRACE_LINES)) {
    if (step.action !== action) lines.push(actionHeading(step.action, actions));
    action = step.action;
    const mark = step.pick > 0 ? pc.yellow(departureNote(step)) : '';
    lines.push(`  ${String(step.step).padStart(4)} ${step.t.toFixed(0).padStart(6)} ms  ${step.what} ${mark}`.trimEnd());
  }
  if (shown.length > MAX_TRACE_LINES) lines.push(pc.dim(`  … ${shown.length - MAX_TRACE_LINES} more steps`));
  return lines;
}
