import { isGeneration, REJECTION_PREFIX, strictParserMayRefuse, stringField } from '../frames.js';
import type { Model } from '../model.js';
import type { Report, TaskRecord } from '../tasks.js';
import { violation, type Violation } from './catalog.js';

const REASONS = new Set(['stale_generation', 'invalid_state', 'not_found', 'not_assignee', 'invalid_result']);

const ACK_STATUSES: Record<Report['kind'], string[]> = {
  complete: ['complete'],
  fail: ['retried', 'dead_letter'],
  accept: ['accepted'],
};

const VERB: Record<Report['kind'], string> = { complete: 'completion', fail: 'failure', accept: 'acceptance' };

/**
 * Why an acknowledged completion or failure broke the fence, if it did: it
 * came from an agent not assigned that generation (a foreign report), or from
 * the assignee at a generation that is not the current one (a stale report).
 */
type Breach = { kind: 'foreign-report' | 'stale-report'; why: string };

function fenceBreach(task: TaskRecord, report: Report, lifeOf: (conn: number) => number): Breach | undefined {
  const sent = report.exchange.send;
  const generation = report.generation;
  const stale = (why: string): Breach => ({ kind: 'stale-report', why });
  const foreign = (why: string): Breach => ({ kind: 'foreign-report', why });
  if (!isGeneration(generation)) return stale(`carried generation ${JSON.stringify(generation) ?? 'missing'}, not an integer`);
  // The sender's assignment when it sent; failing that, one whose push was in
  // flight then (a sender may know a task id and generation before its push lands).
  const answeredAt = report.exchange.reply?.seq ?? sent.seq;
  const toSender = task.pushes.filter((p) => p.agentId === report.agentId);
  const own = toSender.filter((p) => p.event.seq < sent.seq).pop() ?? toSender.find((p) => p.event.seq < answeredAt);
  if (own === undefined) return foreign(`came from ${report.agentId}, which was never pushed the task`);
  if (own.generation !== generation) {
    return stale(`carried generation ${generation} but ${report.agentId}'s latest assignment was generation ${own.generation}`);
  }
  // The same generation pushed to another agent in another life of the hub is a forgotten assignment (I9), not a foreign holder.
  const life = lifeOf(own.conn);
  const holder = task.pushes.find(
    (p) => p.kind === 'assign' && p.generation === generation && p.agentId !== report.agentId && lifeOf(p.conn) === life,
  );
  if (holder !== undefined) return foreign(`carried generation ${generation}, which was pushed to ${holder.agentId}`);
  // A completion ends the task, so no later generation may ever exist in that
  // life of the hub (after a restart it is a forgotten completion, I9); a failure
  // requeues it, so only a newer generation seen before the failure was sent counts.
  const ackLife = lifeOf(report.exchange.conn);
  const newer = task.pushes.find(
    (p) => p.generation > generation && (p.event.seq < sent.seq || (report.kind === 'complete' && lifeOf(p.conn) === ackLife)),
  );
  if (newer !== undefined) return stale(`carried generation ${generation} while generation ${newer.generation} was pushed to ${newer.agentId}`);
  return undefined;
}

function breachEvidence(task: TaskRecord, report: Report): number[] {
  const pushes = task.pushes.map((p) => p.event.seq);
  return [report.exchange.send.seq, report.exchange.reply?.seq ?? report.exchange.send.seq, ...pushes];
}

function acknowledgedViolations(task: TaskRecord, lifeOf: (conn: number) => number): Violation[] {
  const out: Violation[] = [];
  for (const report of task.reports) {
    if (report.outcome !== 'accepted') continue;
    const evidence = [report.exchange.send.seq, report.exchange.reply?.seq ?? report.exchange.send.seq];
    if (!ACK_STATUSES[report.kind].includes(report.ackStatus ?? '')) {
      out.push(violation('I3', 'wrong-ack-status', `task ${task.id}: ${VERB[report.kind]} by ${report.agentId} was acknowledged with status ${JSON.stringify(report.ackStatus)}`, evidence));
    }
    if (report.kind === 'accept') continue;
    const breach = fenceBreach(task, report, lifeOf);
    if (breach !== undefined) {
      out.push(violation('I3', breach.kind, `task ${task.id}: acknowledged ${VERB[report.kind]} by ${report.agentId} ${breach.why}`, breachEvidence(task, report)));
    }
  }
  return out;
}

/** Every complete, fail or accept answered with an error, for any task id. */
function rejectionViolations(model: Model): Violation[] {
  const out: Violation[] = [];
  for (const connection of model.connections.values()) {
    for (const exchange of connection.exchanges) {
      const prefix = exchange.type === undefined ? undefined : REJECTION_PREFIX[exchange.type];
      if (prefix === undefined || exchange.replyFrame?.type !== 'error') continue;
      const error = stringField(exchange.replyFrame, 'error');
      const reason = error?.startsWith(`${prefix}: `) ? error.slice(prefix.length + 2) : undefined;
      const allowed =
        (reason !== undefined && REASONS.has(reason)) ||
        (error === 'not_identified' && !exchange.identifiedBefore) ||
        (error === 'unknown_message_type' && typeof exchange.frame?.task_id !== 'string') ||
        (error === 'invalid_json' && strictParserMayRefuse(exchange.send.payload));
      if (!allowed) {
        out.push(
          violation('I3', 'non-contract-error', `${exchange.type} on connection ${connection.conn} was rejected with ${JSON.stringify(error)}, not a contract error`, [
            exchange.send.seq,
            exchange.reply?.seq ?? exchange.send.seq,
          ]),
        );
      }
    }
  }
  return out;
}

/** I3: only the sender's own current generation is acknowledged; rejections use the contract's strings. */
export function fencing(model: Model): Violation[] {
  return [...[...model.tasks.values()].flatMap((task) => acknowledgedViolations(task, model.lifeOf)), ...rejectionViolations(model)];
}
