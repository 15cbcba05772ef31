import { asObject, numberField, stringField, type JsonObject } from './frames.js';
import type { HttpEvent, TaskView } from './history.js';

/** What an HTTP exchange was, read from its method and path. */
export type Route =
  | { kind: 'submit' }
  | { kind: 'list'; filtered: boolean }
  | { kind: 'dead_letter' }
  | { kind: 'stats' }
  | { kind: 'get'; taskId: string }
  | { kind: 'retry'; taskId: string }
  | { kind: 'agent_states' }
  | { kind: 'other' };

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export function routeOf(event: HttpEvent): Route {
  const method = event.payload.method.toUpperCase();
  const [path = '', query] = event.payload.path.split('?', 2);
  const parts = path.split('/').filter((p) => p !== '');
  if (parts[0] !== 'api') return { kind: 'other' };
  if (parts[1] === 'agents' && parts[2] === 'states' && parts.length === 3 && method === 'GET') {
    return { kind: 'agent_states' };
  }
  if (parts[1] !== 'tasks') return { kind: 'other' };
  const [, , id, action] = parts;
  if (parts.length === 2) {
    if (method === 'POST') return { kind: 'submit' };
    if (method === 'GET') return { kind: 'list', filtered: query !== undefined && query !== '' };
  }
  if (parts.length === 3 && method === 'GET' && id !== undefined) {
    if (id === 'stats') return { kind: 'stats' };
    if (id === 'dead-letter') return { kind: 'dead_letter' };
    return { kind: 'get', taskId: decode(id) };
  }
  if (parts.length === 4 && method === 'POST' && action === 'retry' && id !== undefined) {
    return { kind: 'retry', taskId: decode(id) };
  }
  return { kind: 'other' };
}

/** A task object from an answer, if it has the fields the model reads. */
export function asTaskView(value: unknown): TaskView | undefined {
  const obj = asObject(value);
  if (stringField(obj, 'id') === undefined || stringField(obj, 'status') === undefined) return undefined;
  if (numberField(obj, 'generation') === undefined) return undefined;
  return obj as unknown as TaskView;
}

/** The task objects of a `{tasks:[...]}` answer; undefined when the answer is not one. */
export function listedTasks(response: unknown): TaskView[] | undefined {
  const tasks = asObject(response)?.tasks;
  if (!Array.isArray(tasks)) return undefined;
  return tasks.map(asTaskView).filter((v): v is TaskView => v !== undefined);
}

export function responseObject(event: HttpEvent): JsonObject | undefined {
  return asObject(event.payload.response);
}
