/**
 * The HTTP API as the core sees it: route, authenticate, parse the body,
 * answer. Everything here is decided before the shell writes a byte.
 */
import { agentStates, health, issueToken, listTokens, reset, revokeTokens } from './admin-routes.js';
import type { HttpRequest } from './events.js';
import type { Answer, Route } from './http-route.js';
import { parseJson } from './json.js';
import type { Step } from './step.js';
import { getTask, listDeadLetters, listTasks, retryDeadLetter, stats, submitTask } from './task-routes.js';

const UNAUTHORIZED: Answer = {
  status: 401,
  body: { error: 'unauthorized', hint: 'provide Authorization: Bearer <token>' },
};
const NOT_FOUND: Answer = { status: 404, body: { error: 'not_found' } };

const ROUTES: Route[] = [
  { method: 'GET', segments: ['health'], auth: false, handle: health },
  { method: 'POST', segments: ['api', 'tasks'], auth: true, body: true, handle: submitTask },
  { method: 'GET', segments: ['api', 'tasks'], auth: true, handle: listTasks },
  { method: 'GET', segments: ['api', 'tasks', 'stats'], auth: true, handle: stats },
  { method: 'GET', segments: ['api', 'tasks', 'dead-letter'], auth: true, handle: listDeadLetters },
  { method: 'GET', segments: ['api', 'tasks', ':id'], auth: true, handle: getTask },
  { method: 'POST', segments: ['api', 'tasks', ':id', 'retry'], auth: true, handle: retryDeadLetter },
  { method: 'POST', segments: ['admin', 'tokens'], auth: true, body: true, handle: issueToken },
  { method: 'GET', segments: ['admin', 'tokens'], auth: true, handle: listTokens },
  { method: 'DELETE', segments: ['admin', 'tokens', ':agent_id'], auth: true, handle: revokeTokens },
  { method: 'GET', segments: ['api', 'agents', 'states'], auth: true, handle: agentStates },
  { method: 'POST', segments: ['api', 'admin', 'reset'], auth: true, handle: reset },
];

function matchRoute(method: string, segments: string[]): { route: Route; params: string[] } | undefined {
  let params: string[] = [];
  const route = ROUTES.find((candidate) => {
    if (candidate.method !== method || candidate.segments.length !== segments.length) return false;
    params = [];
    return candidate.segments.every((expected, i) => {
      const actual = segments[i] ?? '';
      if (!expected.startsWith(':')) return actual === expected;
      params.push(actual);
      return actual !== '';
    });
  });
  return route === undefined ? undefined : { route, params };
}

function bearerAgent(step: Step, authorization: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return match?.[1] === undefined ? undefined : step.state.tokens.get(match[1]);
}

function isJsonContentType(contentType: string | undefined): boolean {
  const mediaType = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return mediaType === 'application/json' || /^application\/[\w.+-]+\+json$/.test(mediaType);
}

/** Path segments (each percent-decoded) and query, or undefined for a target that does not decode. */
function decodeTarget(target: string): { segments: string[]; query: URLSearchParams } | undefined {
  const queryStart = target.indexOf('?');
  const path = queryStart < 0 ? target : target.slice(0, queryStart);
  if (!path.startsWith('/')) return undefined;
  try {
    return {
      segments: path.split('/').slice(1).map(decodeURIComponent),
      query: new URLSearchParams(queryStart < 0 ? '' : target.slice(queryStart + 1)),
    };
  } catch {
    return undefined;
  }
}

function answer(request: HttpRequest, step: Step): Answer {
  const decoded = decodeTarget(request.target);
  const matched = decoded && matchRoute(request.method, decoded.segments);
  if (decoded === undefined || matched === undefined) return NOT_FOUND;
  const caller = matched.route.auth ? bearerAgent(step, request.authorization) : '';
  if (caller === undefined) return UNAUTHORIZED;
  let body: unknown;
  const declaredJson = isJsonContentType(request.contentType);
  if (matched.route.body && (declaredJson || request.body !== '')) {
    if (!declaredJson) return { status: 415, body: { error: 'unsupported_media_type' } };
    const parsed = parseJson(request.body);
    if (parsed === undefined && step.faults.has('invalid-json-framework-body')) return { status: 400, body: { errors: { detail: 'Bad Request' } } };
    if (parsed === undefined) return { status: 400, body: { error: 'invalid_json' } };
    body = parsed.value;
  }
  return matched.route.handle({ step, caller, params: matched.params, query: decoded.query, body });
}

export function handleHttp(step: Step, reqId: number, request: HttpRequest): void {
  const { status, body, after } = answer(request, step);
  step.reply(reqId, status, body);
  after?.();
}
