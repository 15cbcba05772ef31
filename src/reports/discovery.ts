import pc from 'picocolors';
import type { Violation } from '../../models/check.js';
import { bucketOf } from '../../models/check.js';
import type { Finding } from '../runner/findings.js';
import { formatActions } from './console-report.js';

const MAX_MESSAGES = 6;

function violatedLine(violations: readonly Violation[]): string {
  return [...new Set(violations.map((v) => `${bucketOf(v)} (${v.name})`))].join(', ');
}

/**
 * Printed the moment a run fails, before shrinking starts: which run, what it
 * broke, the actions as generated, and where the finding is already saved.
 */
export function formatDiscovery(finding: Finding, agentIds: readonly string[], savedTo: string | null, shrinkBudgetS: number | null): string {
  const { failure } = finding;
  const where = finding.fromCorpus !== undefined ? `Corpus entry ${finding.fromCorpus}` : `Run ${finding.firstRun + 1}`;
  const lines = [pc.bold(pc.red(`✗ ${where} failed: finding ${finding.number}, ${violatedLine(failure.violations)}`))];
  for (const v of failure.violations.slice(0, MAX_MESSAGES)) lines.push(`    ${v.invariant} ${v.kind}: ${v.message}`);
  if (failure.violations.length > MAX_MESSAGES) lines.push(pc.dim(`    … ${failure.violations.length - MAX_MESSAGES} more`));
  lines.push(`  ${finding.fromCorpus === undefined ? 'Actions as generated' : 'Actions'} (${failure.actions.length}):`, ...formatActions(failure.actions, failure.outcomes, agentIds).map((l) => `  ${l}`));
  if (savedTo !== null) lines.push(`  Saved to ${savedTo} (rewritten whenever shrinking finds a smaller counterexample)`);
  if (shrinkBudgetS !== null) {
    lines.push(`  Shrinking starts (budget ${shrinkBudgetS} s; Ctrl-C stops it and keeps the best so far).`);
  }
  return lines.join('\n');
}

/** One line for the progress bar while a finding shrinks. */
export function shrinkStatus(finding: Finding, attempts: number, length: number, elapsedMs: number): string {
  return `shrinking finding ${finding.number}: ${attempts} attempt(s), ${length} action(s), ${(elapsedMs / 1000).toFixed(0)} s`;
}

/** Said when shrinking stopped before it ran its course. */
export function shrinkEndNote(finding: Finding, shrinkBudgetS: number): string | null {
  const best = `the smallest counterexample so far (${finding.failure.actions.length} of ${finding.originalLength} actions, ${finding.shrinkAttempts} attempts)`;
  switch (finding.shrinkEnd) {
    case 'budget':
      return `finding ${finding.number}: the shrink budget (${shrinkBudgetS} s, or what --time-budget left) ran out; reporting ${best}`;
    case 'interrupted':
      return `finding ${finding.number}: shrinking interrupted; reporting ${best}`;
    case 'hub-down':
      return `finding ${finding.number}: the hub stopped answering and cannot be restarted (no --restart-cmd); reporting ${best}`;
    default:
      return null;
  }
}
