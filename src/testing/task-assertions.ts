import type { TaskView } from '../../models/history.js';
import type { HubClient } from '../http/client.js';
import { waitFor } from './wait-for.js';

export interface CompletionOptions {
  /** Default 30000. */
  timeoutMs?: number;
  /** Default 100. */
  intervalMs?: number;
}

type Seen = TaskView | { unreadable: string };

function isCompleted(seen: Seen | undefined): boolean {
  return seen !== undefined && 'status' in seen && seen.status === 'completed';
}

function describe(id: string, seen: Seen | undefined): string {
  if (seen === undefined) return `${id} (never read)`;
  if ('unreadable' in seen) return `${id} (unreadable: ${seen.unreadable})`;
  const holder = seen.assigned_to === null ? '' : ` to ${seen.assigned_to}`;
  return `${id} (${seen.status}${holder}, generation ${seen.generation})`;
}

/**
 * Polls the hub until every task is `completed`; returns their final views in
 * the order given. The timeout error lists the tasks still not completed,
 * with their status.
 */
export async function assertAllCompleted(
  client: HubClient,
  taskIds: readonly string[],
  options: CompletionOptions = {},
): Promise<TaskView[]> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const seen = new Map<string, Seen>();
  const pending = (): string[] => taskIds.filter((id) => !isCompleted(seen.get(id)));
  try {
    await waitFor(
      async () => {
        await Promise.all(
          pending().map(async (id) => {
            const view = await client.getTask(id).catch((err: unknown): Seen => ({ unreadable: String(err) }));
            seen.set(id, view);
          }),
        );
        return pending().length;
      },
      { timeoutMs, intervalMs: options.intervalMs ?? 100, what: 'every task completed', until: (left) => left === 0 },
    );
  } catch {
    const left = pending();
    throw new Error(
      `${left.length} of ${taskIds.length} tasks not completed within ${timeoutMs} ms: ${left.map((id) => describe(id, seen.get(id))).join(', ')}`,
    );
  }
  return taskIds.map((id) => seen.get(id) as TaskView);
}

export async function assertTaskCompleted(client: HubClient, taskId: string, options: CompletionOptions = {}): Promise<TaskView> {
  const [view] = await assertAllCompleted(client, [taskId], options);
  return view as TaskView;
}
