import type { Model } from '../model.js';
import type { TaskPush, TaskRecord } from '../tasks.js';
import { at, violation, type Violation } from './catalog.js';
import { secondTaskViolations } from './one-task-per-agent.js';

/** Pushes of one generation in two lives of the hub are a forgotten assignment: durability judges those (I9). */
function holderViolations(task: TaskRecord, assigns: TaskPush[], lifeOf: (conn: number) => number): Violation[] {
  const out: Violation[] = [];
  const byGeneration = new Map<string, { generation: number; pushes: TaskPush[] }>();
  for (const push of assigns) {
    const key = `${push.generation}@${lifeOf(push.conn)}`;
    const group = byGeneration.get(key) ?? { generation: push.generation, pushes: [] };
    group.pushes.push(push);
    byGeneration.set(key, group);
  }
  for (const { generation, pushes } of byGeneration.values()) {
    const agents = [...new Set(pushes.map((p) => p.agentId))];
    if (agents.length > 1) {
      out.push(violation('I2', 'two-holders', `task ${task.id} generation ${generation} was pushed to ${agents.join(' and ')}`, pushes.map((p) => p.event.seq)));
    } else if (pushes.length > 1) {
      const times = pushes.map((p) => at(p.event.t)).join(', ');
      out.push(violation('I2', 'pushed-twice', `task ${task.id} generation ${generation} was pushed to ${agents[0]} ${pushes.length} times (${times})`, pushes.map((p) => p.event.seq)));
    }
  }
  return out;
}

/**
 * Order across sockets is judged on the hub's own `assigned_at` (the push
 * time), since pushes on two sockets may be read in either order; on one
 * socket the arrival order is the push order. A generation going back across
 * a restart is durability's (I9).
 */
function orderViolation(task: TaskRecord, assigns: TaskPush[], lifeOf: (conn: number) => number): Violation | undefined {
  for (const [i, later] of assigns.entries()) {
    for (const earlier of assigns.slice(0, i)) {
      if (earlier.generation <= later.generation) continue;
      if (lifeOf(earlier.conn) !== lifeOf(later.conn)) continue;
      const sameSocket = earlier.conn === later.conn;
      const hubOrder =
        earlier.assignedAt !== undefined && later.assignedAt !== undefined && earlier.assignedAt < later.assignedAt;
      if (!sameSocket && !hubOrder) continue;
      const how = sameSocket ? `on connection ${later.conn}` : `with assigned_at ${earlier.assignedAt} < ${later.assignedAt}`;
      return violation(
        'I2', 'generation-not-growing',
        `task ${task.id}: generation ${later.generation} (to ${later.agentId}) was pushed after generation ${earlier.generation} (to ${earlier.agentId}) ${how}`,
        [earlier.event.seq, later.event.seq],
      );
    }
  }
  return undefined;
}

/**
 * Every move in and out of `assigned` bumps the generation once and nothing
 * else does (submit 0; assign, reclaim, requeue after a failure, retry from
 * dead letter: +1). So a task is queued exactly when its generation is even:
 * an odd generation on a push, or the wrong parity in a view, means some
 * transition forgot its bump (or bumped twice), and fencing rests on it.
 */
function parityViolation(task: TaskRecord): Violation | undefined {
  for (const push of task.pushes) {
    if (push.generation % 2 === 1) continue;
    return violation(
      'I2', 'even-generation-pushed',
      `task ${task.id} was pushed to ${push.agentId} with generation ${push.generation}; an assignment's generation is odd (submit 0, and every step in or out of assigned adds 1)`,
      [push.event.seq],
    );
  }
  for (const view of task.views) {
    const even = view.task.generation % 2 === 0;
    if (even === (view.task.status === 'queued')) continue;
    return violation(
      'I2', 'generation-parity',
      `task ${task.id} was seen ${view.task.status} at generation ${view.task.generation}; only a queued task has an even generation`,
      [view.event.seq],
    );
  }
  return undefined;
}

/**
 * I2: a (task, generation) is pushed to one agent once; generations pushed
 * only grow, with the contract's parity; an agent holds one task at a time.
 */
export function singleHolder(model: Model): Violation[] {
  const out: Violation[] = secondTaskViolations(model);
  const { lifeOf } = model;
  for (const task of model.tasks.values()) {
    const assigns = task.pushes.filter((p) => p.kind === 'assign');
    out.push(...holderViolations(task, assigns, lifeOf));
    const order = orderViolation(task, assigns, lifeOf);
    if (order !== undefined) out.push(order);
    const parity = parityViolation(task);
    if (parity !== undefined) out.push(parity);
  }
  return out;
}
