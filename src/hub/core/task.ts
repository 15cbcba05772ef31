import type { FaultSet } from '../faults/catalogue.js';

export type TaskStatus = 'queued' | 'assigned' | 'completed' | 'dead_letter';

export const PRIORITY_BY_NAME: Readonly<Record<string, number>> = Object.freeze({
  urgent: 0,
  high: 1,
  normal: 2,
  low: 3,
});
export const DEFAULT_PRIORITY = 2;
export const DEFAULT_MAX_RETRIES = 3;
const HISTORY_LIMIT = 50;

export type HistoryDetails =
  | 'submitted'
  | 'agent_disconnect'
  | 'overdue'
  | { agent_id: string; generation: number }
  | { tokens_used: number | null };

export interface HistoryEntry {
  event: string;
  timestamp: number;
  details: HistoryDetails;
}

/** A task as the HTTP API shows it, plus `seq`, its submission number. */
export interface Task {
  id: string;
  description: string;
  metadata: Record<string, unknown>;
  priority: number;
  status: TaskStatus;
  assigned_to: string | null;
  assigned_at: number | null;
  generation: number;
  retry_count: number;
  max_retries: number;
  needed_capabilities: string[];
  last_error: string | null;
  complete_by: number | null;
  result: Record<string, unknown> | null;
  tokens_used: number | null;
  submitted_by: string;
  created_at: number;
  updated_at: number;
  /** Newest first. */
  history: HistoryEntry[];
  /** Breaks created_at ties so queue order is total and stable across restarts. */
  seq: number;
}

export type PublicTask = Omit<Task, 'seq'>;

/** A copy: the shell serialises it only once the event is durable, and the task may change by then. */
export function publicTask(task: Task): PublicTask {
  const { seq: _seq, ...rest } = task;
  return structuredClone(rest);
}

export function recordHistory(task: Task, event: string, timestamp: number, details: HistoryDetails): void {
  task.history.unshift({ event, timestamp, details });
  if (task.history.length > HISTORY_LIMIT) task.history.length = HISTORY_LIMIT;
}

type Order = (a: Task, b: Task) => number;

const fifo: Order = (a, b) => a.created_at - b.created_at || a.seq - b.seq;

/** Queue order: priority lane, then FIFO inside the lane. */
export function queueOrder(faults: FaultSet): Order {
  if (faults.has('priority-ignored')) return fifo;
  if (faults.has('priority-lifo')) return (a, b) => a.priority - b.priority || fifo(b, a);
  return (a, b) => a.priority - b.priority || fifo(a, b);
}
