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

/**
 * What shows, after a restart, that the hub no longer knew a terminal state
 * it had acknowledged before it: the task pushed again, or another
 * completion acknowledged.
 */
function forgottenAfterRestart(task: TaskRecord, ack: Report, lifeOf: (conn: number) => number, revivedBy: (t: number) => boolean): { what: string; seq: number } | undefined {
  const life = lifeOf(ack.exchange.conn);
  const later = (conn: number, t: number): boolean => lifeOf(conn) > life && !revivedBy(t);
  const push = task.pushes.find((p) => later(p.conn, p.event.t));
  if (push !== undefined) return { what: `after a restart it was pushed to ${push.agentId} at ${at(push.event.t)}`, seq: push.event.seq };
  const completion = task.reports.find((r) => r.kind === 'complete' && r.outcome === 'accepted' && r.exchange.reply !== undefined && later(r.exchange.conn, r.exchange.reply.t));
  if (completion?.exchange.reply === undefined) return undefined;
  return { what: `after a restart a completion by ${completion.agentId} was acknowledged at ${at(completion.exchange.reply.t)}`, seq: completion.exchange.reply.seq };
}

/**
 * After an acknowledged completion every view shows completed and the hub
 * never hands the task out again; after a dead_letter ack, the same until a retry.
 */
function undone(model: Model, task: TaskRecord): Violation | undefined {
  for (const report of task.reports) {
    const reply = replyOf(report);
    if (report.outcome !== 'accepted' || reply === undefined) continue;
    const terminal = report.kind === 'complete' ? 'completed' : report.ackStatus === 'dead_letter' ? 'dead_letter' : undefined;
    if (terminal === undefined) continue;
    const revivedBy = (t: number): boolean =>
      terminal === 'dead_letter' &&
      task.retries.some((r) => {
        const status = r.payload.status;
        return r.payload.sentAt < t && (status === null || status === 200 || status >= 500);
      });
    const acknowledged = `task ${task.id} was acknowledged ${terminal} at ${at(reply.t)}`;
    const view = task.views.find((v) => sentAt(v) > reply.t && v.task.status !== terminal && !revivedBy(v.event.t));
    if (view !== undefined) {
      return violation('I9', 'terminal-undone', `${acknowledged} but a view requested at ${at(sentAt(view))} shows ${view.task.status}`, [
        report.exchange.send.seq,
        reply.seq,
        view.event.seq,
      ]);
    }
    const forgotten = forgottenAfterRestart(task, report, model.lifeOf, revivedBy);
    if (forgotten !== undefined) {
      return violation('I9', 'terminal-undone', `${acknowledged} but ${forgotten.what}`, [report.exchange.send.seq, reply.seq, forgotten.seq]);
    }
  }
  return undefined;
}

interface Acknowledged {
  t: number;
  seq: number;
  generation: number;
  /** The connection it came on: its life of the hub. */
  conn: number;
}

/**
 * Generations the hub had announced: pushes, and accepted completions and
 * failures (a requeue bumps it) of a generation it had pushed. A report
 * acknowledged at a generation never pushed announces nothing: it broke the
 * fence, and fencing judges that (I3).
 */
function acknowledgedGenerations(task: TaskRecord): Acknowledged[] {
  const acks: Acknowledged[] = task.pushes.map((p) => ({ t: p.event.t, seq: p.event.seq, generation: p.generation, conn: p.conn }));
  const pushed = new Set(task.pushes.map((p) => p.generation));
  for (const report of task.reports) {
    const reply = replyOf(report);
    if (report.outcome !== 'accepted' || report.kind === 'accept' || reply === undefined || !isGeneration(report.generation)) continue;
    if (!pushed.has(report.generation)) continue;
    const bump = report.kind === 'fail' && report.ackStatus === 'retried' ? 1 : 0;
    acks.push({ t: reply.t, seq: reply.seq, generation: report.generation + bump, conn: report.exchange.conn });
  }
  return acks;
}

/**
 * No view shows a generation below one acknowledged earlier; and a push after
 * a restart carries a generation above every one acknowledged before it (the
 * restart reclaims what was assigned, and assigning again moves it on once more).
 */
function wentBack(model: Model, task: TaskRecord): Violation | undefined {
  const acks = acknowledgedGenerations(task);
  for (const view of task.views) {
    const ack = acks.find((a) => a.t < sentAt(view) && a.generation > view.task.generation);
    if (ack === undefined) continue;
    return violation('I9', 'generation-regressed', `a view of task ${task.id} requested at ${at(sentAt(view))} shows generation ${view.task.generation}, below generation ${ack.generation} acknowledged at ${at(ack.t)}`, [
      ack.seq,
      view.event.seq,
    ]);
  }
  for (const push of task.pushes) {
    const life = model.lifeOf(push.conn);
    const ack = acks.find((a) => model.lifeOf(a.conn) < life && a.generation >= push.generation);
    if (ack === undefined) continue;
    return violation(
      'I9', 'generation-regressed',
      `task ${task.id} was pushed to ${push.agentId} at generation ${push.generation} at ${at(push.event.t)}, after a restart, though generation ${ack.generation} had been acknowledged before it at ${at(ack.t)}`,
      [ack.seq, push.event.seq],
    );
  }
  return undefined;
}

/** I9: an acknowledged change is never undone or lost. */
export function durability(model: Model): Violation[] {
  const out: Violation[] = [];
  for (const task of model.tasks.values()) {
    for (const found of [vanished(model, task), undone(model, task), wentBack(model, task)]) if (found) out.push(found);
  }
  return out;
}
