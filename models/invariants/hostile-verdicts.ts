import { asObject, stringField, type JsonObject } from '../frames.js';
import type { HttpEvent } from '../history.js';
import type { Model } from '../model.js';
import { outageDuring } from '../outages.js';
import { violation, type Violation } from './catalog.js';

/** The contract's limit on a request body, in bytes. */
const MAX_BODY_BYTES = 1024 * 1024;
const MAX_RETRIES_LIMIT = 100;

type Verdict = { status: 413 } | { status: 400; error: string; fields?: string[] } | { status: 201 };

const given = (value: unknown): boolean => value !== undefined && value !== null;

/** The fields the reference behaviour refuses in this body, by its type rules (docs/protocol.md#submitting-a-task). */
function invalidFields(body: JsonObject): string[] {
  const bad: string[] = [];
  const { description, priority, max_retries, complete_by, needed_capabilities, metadata } = body;
  if (typeof description !== 'string' || description === '') bad.push('description');
  if (given(priority) && typeof priority !== 'string') bad.push('priority');
  if (given(max_retries) && !(Number.isInteger(max_retries) && (max_retries as number) >= 0 && (max_retries as number) <= MAX_RETRIES_LIMIT)) {
    bad.push('max_retries');
  }
  if (given(complete_by) && !Number.isInteger(complete_by)) bad.push('complete_by');
  if (given(needed_capabilities) && !(Array.isArray(needed_capabilities) && needed_capabilities.every((c) => typeof c === 'string'))) {
    bad.push('needed_capabilities');
  }
  if (given(metadata) && asObject(metadata) === undefined) bad.push('metadata');
  return bad;
}

/** What `POST /api/tasks` must answer to this JSON body. */
export function submitVerdict(body: unknown): Verdict {
  if (Buffer.byteLength(JSON.stringify(body) ?? '') > MAX_BODY_BYTES) return { status: 413 };
  const object = asObject(body);
  if (object === undefined || !given(object.description)) return { status: 400, error: 'missing required field: description' };
  const fields = invalidFields(object);
  return fields.length === 0 ? { status: 201 } : { status: 400, error: 'invalid_field', fields };
}

/**
 * Bodies the client could not record as sent (raw text, bytes, or a long raw
 * body summarised) are not judged here: only a JSON value sent as JSON is.
 */
function judgedBody(event: HttpEvent): { body: unknown } | undefined {
  if (!('body' in event.payload)) return undefined;
  const body = event.payload.body;
  if (typeof body === 'string') return undefined;
  const summary = asObject(body);
  if (summary !== undefined && ('binaryBytes' in summary || summary.truncated === true)) return undefined;
  return { body };
}

function submitViolation(event: HttpEvent, verdict: Verdict): Violation | undefined {
  const { status, response } = event.payload;
  const answer = asObject(response);
  const text = `POST /api/tasks answered ${status} ${JSON.stringify(response)?.slice(0, 120) ?? ''}`;
  if (verdict.status === 201) {
    return status === 201 ? undefined : violation('H4', 'good-refused', `${text} to a body the contract accepts`, [event.seq]);
  }
  if (verdict.status === 413) {
    return status === 413 ? undefined : violation('H4', 'oversize-not-413', `${text} to a body over 1 MiB (413 expected)`, [event.seq]);
  }
  if (status === 201) {
    const why = verdict.fields === undefined ? verdict.error : `invalid_field ${verdict.fields.join(' or ')}`;
    return violation('H4', 'bad-accepted', `${text}: it accepted a body the contract refuses (${why})`, [event.seq]);
  }
  const error = stringField(answer, 'error');
  const field = stringField(answer, 'field');
  const right = status === 400 && error === verdict.error && (verdict.fields === undefined || (field !== undefined && verdict.fields.includes(field)));
  if (right) return undefined;
  const expected = verdict.fields === undefined ? verdict.error : `invalid_field with field ${verdict.fields.join(' or ')}`;
  return violation('H4', 'wrong-refusal', `${text}; the contract says 400 ${expected}`, [event.seq]);
}

function httpVerdicts(model: Model): Violation[] {
  const out: Violation[] = [];
  for (const event of model.http) {
    const { method, path, status, sentAt } = event.payload;
    if (method !== 'POST' || path !== '/api/tasks' || status === null || status === 401) continue;
    if (outageDuring(model.outages, sentAt, event.t) !== undefined) continue;
    const judged = judgedBody(event);
    if (judged === undefined) continue;
    const found = submitViolation(event, submitVerdict(judged.body));
    if (found) out.push(found);
  }
  return out;
}

/** A `task_complete` naming a task, with a `result` that is not an object, must get `invalid_result`. */
function resultVerdicts(model: Model): Violation[] {
  const out: Violation[] = [];
  for (const connection of model.connections.values()) {
    for (const exchange of connection.exchanges) {
      const frame = exchange.frame;
      if (exchange.type !== 'task_complete' || !exchange.identifiedBefore || frame === undefined || !given(frame.task_id)) continue;
      if (frame.result === undefined || asObject(frame.result) !== undefined || exchange.reply === undefined) continue;
      const error = stringField(exchange.replyFrame, 'error');
      if (error === 'task_complete_failed: invalid_result') continue;
      const got = exchange.replyFrame?.type === 'task_ack' ? 'was acknowledged' : `got ${JSON.stringify(exchange.replyFrame)}`;
      out.push(
        violation('H4', 'bad-result-verdict', `task_complete with result ${JSON.stringify(frame.result)?.slice(0, 60)} on connection ${connection.conn} ${got}; the contract says task_complete_failed: invalid_result`, [
          exchange.send.seq,
          exchange.reply.seq,
        ]),
      );
    }
  }
  return out;
}

/** H4: the hub accepts what the contract accepts and refuses the rest with the contract's words. */
export function hostileVerdicts(model: Model): Violation[] {
  return [...httpVerdicts(model), ...resultVerdicts(model)];
}
