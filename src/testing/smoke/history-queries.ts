/** What the scenarios measure, read from the recorded history rather than by polling. */
import { receivedFrame } from '../../../models/frames.js';
import type { HistoryEvent } from '../../../models/history.js';

/** For each task id: `t` of every complete-acknowledgement any agent received, in order. */
export function completionAcks(events: readonly HistoryEvent[]): Map<string, number[]> {
  const acks = new Map<string, number[]>();
  for (const event of events) {
    const frame = receivedFrame(event);
    if (frame?.type !== 'task_ack' || frame.status !== 'complete' || typeof frame.task_id !== 'string') continue;
    acks.set(frame.task_id, [...(acks.get(frame.task_id) ?? []), event.t]);
  }
  return acks;
}

/** For each task id the hub accepted: when its POST /api/tasks was sent. */
export function submissionTimes(events: readonly HistoryEvent[]): Map<string, number> {
  const sent = new Map<string, number>();
  for (const event of events) {
    if (event.kind !== 'http' || event.payload.method !== 'POST' || event.payload.path !== '/api/tasks') continue;
    const answer = event.payload.response as { task_id?: unknown } | undefined;
    if (typeof answer?.task_id === 'string') sent.set(answer.task_id, event.payload.sentAt);
  }
  return sent;
}
