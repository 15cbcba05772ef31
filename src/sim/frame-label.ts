/** A frame as one short trace label: its type, and the task and generation it is about. */
export function frameLabel(text: string): string {
  let frame: unknown;
  try {
    frame = JSON.parse(text);
  } catch {
    return 'text that is not JSON';
  }
  if (typeof frame !== 'object' || frame === null) return `JSON ${typeof frame}`;
  const { type, task_id: taskId, generation, status, error } = frame as Record<string, unknown>;
  const parts = [String(type ?? 'frame without type')];
  if (typeof taskId === 'string') parts.push(taskId);
  if (generation !== undefined) parts.push(`generation ${JSON.stringify(generation)}`);
  if (typeof status === 'string') parts.push(status);
  if (typeof error === 'string') parts.push(error);
  return parts.join(' ');
}
