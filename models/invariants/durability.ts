import { isGeneration } from '../frames.js';
import type { Listing, Model } from '../model.js';
import { mayHaveMoved } from '../moves.js';
import type { Report, TaskRecord, View } from '../tasks.js';
import { at, violation, type Violation } from './catalog.js';

const sentAt = (view: View): number => view.event.payload.sentAt;
const replyOf = (report: Report) => report.exchange.reply;

function nearest(listings: Listing[], to: Listing): Listing | undefined {
  const distance = (l: Listing): number => Math.abs(l.event.payload.sentAt - to.event.payload.sentAt);
  return listings.reduce<Listing | undefined>((best, l) => (best === undefined || distance(l) < distance(best) ? l : best), undefined);
}

/** After the 201, every GET finds the task, and no pair of listings misses it. */
function vanished(model: Model, task: TaskRecord): Violation | undefined {
  const created = task.submission.event;
  const notFound = task.notFound.find((e) => e.payload.sentAt > created.t);
  if (notFound !== undefined) {
    return violation('I9', 'created-then-404', `GET of task ${task.id} at ${at(notFound.payload.sentAt)} answered 404 after its 201 at ${at(created.t)}`, [created.seq, notFound.seq]);
  }
  const after = model.listings.filter((l) => l.event.payload.sentAt > created.t && !l.ids.has(task.id));
  const deadLetterLists = after.filter((l) => l.kind === 'dead_letter');
  for (const main of after.filter((l) => l.kind === 'main')) {
    const deadLetter = nearest(deadLetterLists, main);
    if (deadLetter === undefined) continue;
    const from = Math.min(main.event.payload.sentAt, deadLetter.event.payload.sentAt);
    const to = Math.max(main.event.t, deadLetter.event.t);
    if (mayHaveMoved(model, task, from, to)) continue;
    return violation('I9', 'task-missing', `task ${task.id}, created at ${at(created.t)}, is missing from both the task list and the dead-letter list read at ${at(from)}–${at(to)}`, [
      created.seq,
      main.event.seq,
      deadLetter.event.seq,
    ]);
  }
  return undefined;
}

/** After an acknowledged completion every view shows completed; after a dead_letter ack, dead_letter until a retry. */
function undone(task: TaskRecord): Violation | undefined {
  for (const report of task.reports) {
    const reply = replyOf(report);
    if (report.outcome !== 'accepted' || reply === undefined) continue;
    const terminal = report.kind === 'complete' ? 'completed' : report.ackStatus === 'dead_letter' ? 'dead_letter' : undefined;
    if (terminal === undefined) continue;
    const revived = (view: View): boolean =>
      terminal === 'dead_letter' &&
      task.retries.some((r) => {
        const status = r.payload.status;
        return r.payload.sentAt < view.event.t && (status === null || status === 200 || status >= 500);
      });
    const view = task.views.find((v) => sentAt(v) > reply.t && v.task.status !== terminal && !revived(v));
    if (view === undefined) continue;
    return violation('I9', 'terminal-undone', `task ${task.id} was acknowledged ${terminal} at ${at(reply.t)} but a view requested at ${at(sentAt(view))} shows ${view.task.status}`, [
      report.exchange.send.seq,
      reply.seq,
      view.event.seq,
    ]);
  }
  return undefined;
}

interface Acknowledged {
  t: number;
  seq: number;
  generation: number;
}

/** Generations the hub had announced: pushes, and accepted completions and failures (a requeue bumps it). */
function acknowledgedGenerations(task: TaskRecord): Acknowledged[] {
  const acks: Acknowledged[] = task.pushes.map((p) => ({ t: p.event.t, seq: p.event.seq, generation: p.generation }));
  for (const report of task.reports) {
    const reply = replyOf(report);
    if (report.outcome !== 'accepted' || report.kind === 'accept' || reply === undefined || !isGeneration(report.generation)) continue;
    const bump = report.kind === 'fail' && report.ackStatus === 'retried' ? 1 : 0;
    acks.push({ t: reply.t, seq: reply.seq, generation: report.generation + bump });
  }
  return acks;
}

function wentBack(task: TaskRecord): Violation | undefined {
  const acks = acknowledgedGenerations(task);
  for (const view of task.views) {
    const ack = acks.find((a) => a.t < sentAt(view) && a.generation > view.task.generation);
    if (ack === undefined) continue;
    return violation('I9', 'generation-regressed', `a view of task ${task.id} requested at ${at(sentAt(view))} shows generation ${view.task.generation}, below generation ${ack.generation} acknowledged at ${at(ack.t)}`, [
      ack.seq,
      view.event.seq,
    ]);
  }
  return undefined;
}

/** I9: an acknowledged change is never undone or lost. */
export function durability(model: Model): Violation[] {
  const out: Violation[] = [];
  for (const task of model.tasks.values()) {
    for (const found of [vanished(model, task), undone(task), wentBack(task)]) if (found) out.push(found);
  }
  return out;
}
