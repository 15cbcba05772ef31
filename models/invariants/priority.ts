import { CLOCK_SLACK_MS, PRIORITY_MARGIN_MS } from '../bounds.js';
import { includesAll } from '../frames.js';
import type { Model } from '../model.js';
import type { TaskPush, TaskRecord } from '../tasks.js';
import { at, violation, type Violation } from './catalog.js';

function comesBefore(u: TaskRecord, t: TaskRecord): boolean {
  const a = u.submission;
  const b = t.submission;
  return a.priority < b.priority || (a.priority === b.priority && a.createdAt < b.createdAt);
}

/** The capabilities of the session the push arrived on. */
function receivingCapabilities(model: Model, push: TaskPush): string[] | undefined {
  const identities = model.connections.get(push.conn)?.identities ?? [];
  return identities.filter((i) => i.at <= push.event.t).pop()?.capabilities;
}

/**
 * How long before a push a passed-over task must already have been queued.
 * The real hub reads the queue, then assigns task by task, so a task created
 * in between may carry an earlier `created_at`; our own hub runs a scheduling
 * pass in one step, so only clock granularity is left.
 */
function creationMargin(model: Model): number {
  return model.runStart.payload.target === 'remote' ? PRIORITY_MARGIN_MS : CLOCK_SLACK_MS;
}

/** The other task's next assignment reached the same socket after this push: it was still queued then. */
function assignedLaterOnSameSocket(other: TaskRecord, generation: number, push: TaskPush): boolean {
  return other.pushes.some(
    (p) => p.kind === 'assign' && p.generation === generation + 1 && p.conn === push.conn && p.event.seq > push.event.seq,
  );
}

function passedOver(model: Model, task: TaskRecord, push: TaskPush): Violation | undefined {
  const capabilities = receivingCapabilities(model, push);
  if (push.assignedAt === undefined || capabilities === undefined) return undefined;
  const pushedAt = model.clock.toHistory(push.assignedAt);
  const margin = creationMargin(model);
  for (const other of model.tasks.values()) {
    if (other === task || !comesBefore(other, task)) continue;
    if (!includesAll(capabilities, other.submission.neededCapabilities)) continue;
    const span = other.queuedSpans.find(
      (s) =>
        s.from < pushedAt.earliest - margin &&
        (s.to > pushedAt.latest + PRIORITY_MARGIN_MS || assignedLaterOnSameSocket(other, s.generation, push)),
    );
    if (span === undefined) continue;
    return violation(
      'I5',
      other.submission.priority === task.submission.priority ? 'fifo-broken' : 'priority-inverted',
      `task ${task.id} (priority ${task.submission.priority}) was pushed to ${push.agentId} at ${at(push.event.t)} ` +
        `while task ${other.id} (priority ${other.submission.priority}, created earlier, which ${push.agentId} could take) ` +
        `stayed queued at generation ${span.generation} from ${at(span.from)} to ${at(span.to)}`,
      [other.submission.event.seq, ...span.evidence, push.event.seq],
    );
  }
  return undefined;
}

/** I5: a push never jumps a task earlier in queue order that the agent could have taken. */
export function priority(model: Model): Violation[] {
  const out: Violation[] = [];
  for (const task of model.tasks.values()) {
    for (const push of task.pushes) {
      if (push.kind !== 'assign' || !model.ourAgents.has(push.agentId)) continue;
      const found = passedOver(model, task, push);
      if (found !== undefined) out.push(found);
    }
  }
  return out;
}
