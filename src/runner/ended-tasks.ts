import { receivedFrame } from '../../models/frames.js';
import type { HistoryEvent } from '../../models/history.js';

/** Task ids whose latest acknowledged outcome is terminal, as the agents saw it. */
export function terminalByFrames(events: readonly HistoryEvent[]): Set<string> {
  const terminal = new Set<string>();
  for (const event of events) {
    const frame = receivedFrame(event);
    if (frame?.type === 'task_ack' && (frame.status === 'complete' || frame.status === 'dead_letter')) {
      terminal.add(String(frame.task_id));
    }
    if (event.kind === 'http' && event.payload.status === 200 && /^\/api\/tasks\/[^/]+\/retry$/.test(event.payload.path)) {
      terminal.delete(event.payload.path.split('/')[3] ?? '');
    }
  }
  return terminal;
}
