import { isGeneration } from '../frames.js';
import type { TaskView } from '../history.js';
import type { Model } from '../model.js';
import { mayHaveMoved } from '../moves.js';
import type { Report, TaskRecord } from '../tasks.js';
import { at, violation, type Violation } from './catalog.js';

const seqOf = (report: Report): number[] => [report.exchange.send.seq, report.exchange.reply?.seq ?? report.exchange.send.seq];

function finalView(model: Model, task: TaskRecord): { view?: TaskView; evidence: number[]; lost: boolean } {
  const { main, deadLetter } = model.final;
  const inDeadLetter = deadLetter?.tasks.find((v) => v.id === task.id);
  const inMain = main?.tasks.find((v) => v.id === task.id);
  const evidence = [main?.event.seq, deadLetter?.event.seq].filter((s): s is number => s !== undefined);
  if (inDeadLetter !== undefined) return { view: inDeadLetter, evidence: [deadLetter?.event.seq ?? 0], lost: false };
  if (inMain !== undefined) return { view: inMain, evidence: [main?.event.seq ?? 0], lost: false };
  if (main === undefined || deadLetter === undefined) return { evidence, lost: false };
  const from = Math.min(main.event.payload.sentAt, deadLetter.event.payload.sentAt);
  const to = Math.max(main.event.t, deadLetter.event.t);
  return { evidence, lost: !mayHaveMoved(model, task, from, to) };
}

function endStateViolations(model: Model, task: TaskRecord, completions: Report[]): Violation[] {
  const { view, evidence, lost } = finalView(model, task);
  const submitted = task.submission.event.seq;
  if (lost) return [violation('I1', 'lost', `task ${task.id} is in neither the final task list nor the dead-letter list`, [submitted, ...evidence])];
  if (view === undefined) return [];
  if (view.status === 'queued' || view.status === 'assigned') {
    const holder = view.status === 'assigned' ? ` to ${view.assigned_to} at generation ${view.generation}` : ` at generation ${view.generation}`;
    return [violation('I1', 'not-terminal', `task ${task.id} is not terminal after quiesce: last seen ${view.status}${holder}`, [submitted, ...evidence])];
  }
  if (view.status === 'completed' && completions.length === 0) {
    const inFlight = task.reports.some((r) => r.kind === 'complete' && r.outcome === 'unanswered');
    if (!inFlight) {
      return [violation('I1', 'completed-unacknowledged', `task ${task.id} ends completed but no agent's completion was acknowledged or left unanswered`, [submitted, ...evidence])];
    }
  }
  const [completion] = completions;
  if (view.status === 'dead_letter' && completion !== undefined) {
    return [
      violation('I1', 'dead-letter-after-complete', `task ${task.id} ends dead_letter although ${completion.agentId}'s completion was acknowledged`, [
        ...seqOf(completion),
        ...evidence,
      ]),
    ];
  }
  return [];
}

/**
 * Failures between dead letters. Generations tell the cycles apart (a retry
 * from dead letter bumps the generation), provided every dead letter but the
 * last is known from its ack, every retry's outcome is known, and no failure
 * went unanswered once retries are in play.
 */
function failureCountViolations(model: Model, task: TaskRecord): Violation[] {
  const expected = Math.max(1, task.submission.maxRetries);
  const fails = task.reports.filter((r) => r.kind === 'fail' && isGeneration(r.generation));
  const gen = (r: Report): number => r.generation as number;
  const accepted = fails.filter((r) => r.outcome === 'accepted').sort((a, b) => gen(a) - gen(b));
  const unanswered = fails.filter((r) => r.outcome === 'unanswered');
  const deadLetters = accepted.filter((r) => r.ackStatus === 'dead_letter');
  const retried = task.retries.filter((r) => r.payload.status === 200).length;
  const unsureRetry = task.retries.some((r) => r.payload.status === null || r.payload.status >= 500);
  // A failure whose answer died with its socket may have ended any cycle: with
  // retries in play the cycles can no longer be told apart.
  if (unsureRetry || deadLetters.length < retried || (retried > 0 && unanswered.length > 0)) return [];
  const rule = `max(1, max_retries=${task.submission.maxRetries}) = ${expected}`;
  if (deadLetters.length > retried + 1) {
    return [
      violation('I1', 'dead-letter-retry-count', `task ${task.id} was dead-lettered ${deadLetters.length} times but retried only ${retried} times`, deadLetters.flatMap(seqOf)),
    ];
  }
  const out: Violation[] = [];
  let floor = -Infinity;
  for (const deadLetter of deadLetters) {
    const inCycle = (r: Report): boolean => gen(r) > floor && gen(r) <= gen(deadLetter);
    const count = accepted.filter(inCycle).length;
    const lost = unanswered.filter(inCycle).length;
    if (count > expected || count + lost < expected) {
      out.push(
        violation('I1', 'dead-letter-count', `task ${task.id} was dead-lettered (generation ${gen(deadLetter)}) after ${count} accepted failures; expected ${rule}`, accepted.filter(inCycle).flatMap(seqOf)),
      );
    }
    floor = gen(deadLetter);
  }
  const open = accepted.filter((r) => gen(r) > floor);
  if (open.length >= expected) {
    out.push(
      violation('I1', 'requeued-past-limit', `task ${task.id} was requeued after ${open.length} accepted failures without dead-lettering; expected ${rule}`, open.flatMap(seqOf)),
    );
  }
  const final = finalView(model, task).view;
  const lostFinal = final?.status === 'dead_letter' && deadLetters.length === retried;
  const openLost = unanswered.filter((r) => gen(r) > floor).length;
  if (lostFinal && open.length + openLost < expected) {
    out.push(
      violation('I1', 'dead-letter-early', `task ${task.id} ends dead_letter after only ${open.length} accepted failures (${openLost} unanswered); expected ${rule}`, [
        task.submission.event.seq,
        ...open.flatMap(seqOf),
        ...(model.final.deadLetter ? [model.final.deadLetter.event.seq] : []),
      ]),
    );
  }
  return out;
}

/**
 * Completions acknowledged more than once by one life of the hub. One
 * acknowledged before a restart and another after it is a completion the
 * restarted hub forgot: durability judges that (I9/terminal-undone).
 */
function completedInOneLife(model: Model, completions: Report[]): Report[] | undefined {
  const byLife = new Map<number, Report[]>();
  for (const report of completions) {
    const life = model.lifeOf(report.exchange.conn);
    byLife.set(life, [...(byLife.get(life) ?? []), report]);
  }
  return [...byLife.values()].find((reports) => reports.length > 1);
}

/** I1: every task ends completed exactly once, or dead-lettered after the right number of failures; none is lost. */
export function exactlyOnce(model: Model): Violation[] {
  const out: Violation[] = [];
  for (const task of model.tasks.values()) {
    const completions = task.reports.filter((r) => r.kind === 'complete' && r.outcome === 'accepted');
    const twice = completedInOneLife(model, completions);
    if (twice !== undefined) {
      const who = twice.map((r) => `${r.agentId} at ${at(r.exchange.reply?.t ?? 0)}`).join(', ');
      out.push(violation('I1', 'completed-twice', `task ${task.id} was acknowledged complete ${twice.length} times (${who})`, twice.flatMap(seqOf)));
    }
    out.push(...endStateViolations(model, task, completions), ...failureCountViolations(model, task));
  }
  return out;
}
