import { REACTION_SLACK_MS } from './bounds.js';
import type { Model } from './model.js';
import type { TaskRecord } from './tasks.js';

/**
 * Whether the task may have moved between the main store and the dead-letter
 * store during [from, to]: a failure in flight (it may dead-letter the task)
 * or a retry in flight (it may requeue it). Two listings taken at different
 * moments can then both miss it without anything being lost.
 */
export function mayHaveMoved(model: Model, task: TaskRecord, from: number, to: number): boolean {
  const overlaps = (start: number, end: number): boolean => start <= to && end >= from;
  for (const report of task.reports) {
    if (report.kind !== 'fail') continue;
    const { send, reply, conn } = report.exchange;
    const close = model.connections.get(conn)?.close;
    const end = reply?.t ?? (close === undefined ? Infinity : close.t + REACTION_SLACK_MS);
    if (overlaps(send.t, end)) return true;
  }
  for (const retry of task.retries) {
    const status = retry.payload.status;
    if (status !== null && status >= 400 && status < 500) continue;
    if (overlaps(retry.payload.sentAt, status === null ? Infinity : retry.t)) return true;
  }
  return false;
}
