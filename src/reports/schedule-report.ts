import pc from 'picocolors';
import type { SimStep } from '../sim/scheduler.js';

const MAX_TRACE_LINES = 160;

/** Steps that only keep the simulation turning: the scheduler's routine ones (keepalives, sweeps), pings, disk syncs, idle checks. */
function isRoutine(step: SimStep): boolean {
  return step.pick === 0 && (step.routine || /: ping$|fsync|idle check/.test(step.what));
}

function actionHeading(action: number, actions: number): string {
  return pc.dim(action < actions ? `  ── during action ${action + 1}` : '  ── after the actions: quiesce and snapshot');
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
  const departures = trace.filter((step) => step.pick > 0).length;
  const lines = [pc.bold(`Schedule (${trace.length} steps, ${departures} out of natural order; keepalives, syncs and sweeps not shown):`)];
  let action: number | undefined;
  for (const step of shown.slice(0, MAX_TRACE_LINES)) {
    if (step.action !== action) lines.push(actionHeading(step.action, actions));
    action = step.action;
    const mark = step.pick > 0 ? pc.yellow(`» choice ${step.choice}: took ${step.pick + 1} of ${step.ready} ready`) : '';
    lines.push(`  ${String(step.step).padStart(4)} ${step.t.toFixed(0).padStart(6)} ms  ${step.what} ${mark}`.trimEnd());
  }
  if (shown.length > MAX_TRACE_LINES) lines.push(pc.dim(`  … ${shown.length - MAX_TRACE_LINES} more steps`));
  return lines;
}
