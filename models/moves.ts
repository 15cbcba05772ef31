import { REACTION_SLACK_MS, REPLY_OWED_MS } from './bounds.js';
import type { Model } from './model.js';
import { outageDuring } from './outages.js';
import type { TaskRecord } from './tasks.js';

/**
 * Whether the task may have moved between the main store and the dead-letter
 * store during [from, to]: a failure in flight (it may dead-letter the task)
 * or a retry in flight (it may requeue it). Two listings taken at different
 * moments can then both miss it without anything being lost. A request is in
 * flight until its answer; with none, until the hub must have answered (a
 * frame within REPLY_OWED_MS, or as its socket closed; an HTTP request as the
 * client gave up, or when an outage that swallowed it ended): past that a
 * silent hub is itself a finding (I10), not an excuse.
 */
export function mayHaveMoved(model: Model, task: TaskRecord, from: number, to: number): boolean {
  const overlaps = (start: number, end: number): boolean => start <= to && end >= from;
  for (const report of task.reports) {
    if (report.kind !== 'fail') continue;
    const { send, reply, conn } = report.exchange;
    const close = model.connections.get(conn)?.close;
    const closedBy = close === undefined ? Infinity : close.t + REACTION_SLACK_MS;
    if (overlaps(send.t, reply?.t ?? Math.min(closedBy, send.t + REPLY_OWED_MS))) return true;
  }
  for (const retry of task.retries) {
    const { status, sentAt } = retry.payload;
    if (status !== null && status >= 400 && status < 500) continue;
    const swallowedBy = status === null ? outageDuring(model.outages, sentAt, retry.t) : undefined;
    const end = status === null ? Math.max(retry.t, swallowedBy?.to ?? -Infinity) + REACTION_SLACK_MS : retry.t;
    if (overlaps(sentAt, end)) return true;
  }
  return false;
}
