import { PRIORITY_MARGIN_MS } from '../bounds.js';
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

function passedOver(model: Model, task: TaskRecord, push: TaskPush): Violation | undefined {
  const capabilities = receivingCapabilities(model, push);
  if (push.assignedAt === undefined || capabilities === undefined) return undefined;
  const pushedAt = model.clock.toHistory(push.assignedAt);
  for (const other of model.tasks.values()) {
    if (other === task || !comesBefore(other, task)) continue;
    if (!includesAll(capabilities, other.submission.neededCapabilities)) continue;
    const span = other.queuedSpans.find(
      (s) => s.from < pushedAt.earliest - PRIORITY_MARGIN_MS && s.to > pushedAt.latest + PRIORITY_MARGIN_MS,
    );
    if (span === undefined) continue;
    return violation(
      'I5',
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
