/** HTTP routes over tasks: submit, list, look up, stats, dead letters and their retry. */
import type { Answer, RouteContext } from './http-route.js';
import { ok } from './http-route.js';
import { schedulePass } from './scheduler.js';
import type { Step } from './step.js';
import { checkSubmission } from './submit.js';
import { PRIORITY_BY_NAME, publicTask, queueOrder, recordHistory, type Task, type TaskStatus } from './task.js';

const taskNotFound = (taskId: string): Answer => ({ status: 404, body: { error: 'task_not_found', task_id: taskId } });

function sortedTasks(step: Step, keep: (task: Task) => boolean): Task[] {
  return [...step.state.tasks.values()].filter(keep).sort(queueOrder(step.faults));
}

function taskList(tasks: Task[]): Answer {
  return ok({ tasks: tasks.map(publicTask), count: tasks.length });
}

const KNOWN_STATUSES: ReadonlySet<string> = new Set<TaskStatus>(['queued', 'assigned', 'completed', 'dead_letter']);

/** Filters with an unknown value are ignored, as in the real hub. */
export function listTasks({ step, query }: RouteContext): Answer {
  const status = query.get('status');
  const priorityName = query.get('priority');
  const assignedTo = query.get('assigned_to');
  const priority = priorityName !== null && Object.hasOwn(PRIORITY_BY_NAME, priorityName) ? PRIORITY_BY_NAME[priorityName] : undefined;
  return taskList(
    sortedTasks(
      step,
      (task) =>
        task.status !== 'dead_letter' &&
        (status === null || !KNOWN_STATUSES.has(status) || task.status === status) &&
        (priority === undefined || task.priority === priority) &&
        (assignedTo === null || assignedTo === '' || task.assigned_to === assignedTo),
    ),
  );
}

function countInto(counts: Record<string, number>, key: string, by = 1): void {
  counts[key] = (counts[key] ?? 0) + by;
}

export function stats({ step }: RouteContext): Answer {
  const byStatus: Record<string, number> = {};
  const byPriority: Record<string, number> = {};
  let deadLetter = 0;
  let queued = 0;
  for (const task of step.state.tasks.values()) {
    if (task.status === 'dead_letter') {
      deadLetter += 1;
      continue;
    }
    const retried = task.history.some((entry) => entry.event === 'retried');
    countInto(byStatus, task.status, step.faults.has('stats-miscount') && retried ? 2 : 1);
    countInto(byPriority, String(task.priority));
    if (task.status === 'queued') queued += 1;
  }
  return ok({ by_status: byStatus, by_priority: byPriority, dead_letter: deadLetter, queued_index_size: queued });
}

const ID_ATTEMPTS = 100;

/** A deterministic id source restarted over old state would repeat ids; skip the taken ones. */
function freshTaskId(step: Step): string {
  for (let attempt = 0; attempt < ID_ATTEMPTS; attempt++) {
    const id = step.env.ids.taskId();
    if (!step.state.tasks.has(id)) return id;
  }
  throw new Error(`the id source gave ${ID_ATTEMPTS} task ids in a row that are taken`);
}

export function submitTask({ step, caller, body }: RouteContext): Answer {
  const check = checkSubmission(body, step.faults);
  if (!check.ok) return { status: 400, body: check.error };
  const { now, state } = step;
  const task: Task = {
    id: freshTaskId(step),
    ...check.input,
    status: 'queued',
    assigned_to: null,
    assigned_at: null,
    generation: 0,
    retry_count: 0,
    last_error: null,
    result: null,
    tokens_used: null,
    submitted_by: caller,
    created_at: now,
    updated_at: now,
    history: [],
    seq: state.nextTaskSeq++,
  };
  recordHistory(task, 'submitted', now, 'submitted');
  state.tasks.set(task.id, task);
  step.touch(task);
  return {
    status: 201,
    body: { status: 'queued', task_id: task.id, priority: task.priority, created_at: now },
    after: () => schedulePass(step),
  };
}

export function getTask({ step, params: [taskId = ''] }: RouteContext): Answer {
  const task = step.state.tasks.get(taskId);
  return task === undefined ? taskNotFound(taskId) : ok(publicTask(task));
}

export function retryDeadLetter({ step, params: [taskId = ''] }: RouteContext): Answer {
  const task = step.state.tasks.get(taskId);
  if (task === undefined || task.status !== 'dead_letter') return taskNotFound(taskId);
  if (!step.faults.has('dead-letter-retry-keeps-generation')) task.generation += 1;
  task.status = 'queued';
  task.retry_count = 0;
  task.assigned_to = null;
  task.assigned_at = null;
  task.updated_at = step.now;
  recordHistory(task, 'retried', step.now, 'submitted');
  step.touch(task);
  return { ...ok({ status: 'requeued', task_id: task.id, priority: task.priority }), after: () => schedulePass(step) };
}

export function listDeadLetters({ step }: RouteContext): Answer {
  return taskList(sortedTasks(step, (task) => task.status === 'dead_letter'));
}
