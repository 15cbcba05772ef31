import type { FaultSet } from '../faults/catalogue.js';
import { isJsonObject } from './json.js';
import { DEFAULT_MAX_RETRIES, DEFAULT_PRIORITY, PRIORITY_BY_NAME } from './task.js';

export interface TaskInput {
  description: string;
  priority: number;
  metadata: Record<string, unknown>;
  max_retries: number;
  complete_by: number | null;
  needed_capabilities: string[];
}

export type SubmitCheck = { ok: true; input: TaskInput } | { ok: false; error: Record<string, unknown> };

const MAX_RETRIES_LIMIT = 100;

function invalid(field: string): SubmitCheck {
  return { ok: false, error: { error: 'invalid_field', field } };
}

/** Unknown priority names count as normal (as in the real hub); only the type is checked. */
function priorityOf(name: string): number {
  return Object.hasOwn(PRIORITY_BY_NAME, name) ? (PRIORITY_BY_NAME[name] ?? DEFAULT_PRIORITY) : DEFAULT_PRIORITY;
}

/**
 * The body of `POST /api/tasks`, checked as the reference behaviour says
 * (docs/protocol.md#submitting-a-task). A field given as null counts as not given, except `complete_by`,
 * where null is a value.
 */
export function checkSubmission(body: unknown, faults: FaultSet): SubmitCheck {
  if (!isJsonObject(body) || body.description === undefined || body.description === null) {
    return { ok: false, error: { error: 'missing required field: description' } };
  }
  const { description, priority, max_retries, complete_by, needed_capabilities, metadata } = body;
  if (typeof description !== 'string' || description === '') return invalid('description');
  if (priority != null && typeof priority !== 'string' && !faults.has('priority-unchecked')) return invalid('priority');
  if (
    max_retries != null &&
    (typeof max_retries !== 'number' || !Number.isInteger(max_retries) || max_retries < 0 || max_retries > MAX_RETRIES_LIMIT)
  ) {
    return invalid('max_retries');
  }
  if (complete_by !== undefined && complete_by !== null && !Number.isInteger(complete_by)) return invalid('complete_by');
  if (
    needed_capabilities != null &&
    !faults.has('capabilities-unchecked') &&
    (!Array.isArray(needed_capabilities) || !needed_capabilities.every((entry) => typeof entry === 'string'))
  ) {
    return invalid('needed_capabilities');
  }
  if (metadata != null && !isJsonObject(metadata)) return invalid('metadata');
  return {
    ok: true,
    input: {
      description,
      priority: typeof priority === 'string' ? priorityOf(priority) : DEFAULT_PRIORITY,
      metadata: metadata ?? {},
      max_retries: max_retries ?? DEFAULT_MAX_RETRIES,
      complete_by: (complete_by as number | null | undefined) ?? null,
      needed_capabilities: (needed_capabilities as string[] | null | undefined) ?? [],
    },
  };
}
