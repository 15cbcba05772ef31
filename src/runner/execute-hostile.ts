import type { RunStartEvent } from '../../models/history.js';
import type { Action } from '../actions/action.js';
import {
  CONTENT_TYPES,
  FRAME_MARGIN_BYTES,
  SIZE_LIMIT_BYTES,
  applyOverrides,
  baseBody,
  baseFrame,
  isJsonContentType,
  materialize,
  padTo,
  pathText,
  type HostileBody,
  type HostileFrame,
  type HostileId,
  type HostileRef,
  type HostileRequest,
} from '../actions/hostile.js';
import type { SimAgent } from '../agents/sim-agent.js';
import type { RawRequestOptions } from '../http/client.js';
import { DONE, skipped, type ActionOutcome } from './action-outcome.js';
import { sendAndAwaitReply } from './await-reply.js';
import type { RunContext } from './run-context.js';

type HostileAction = Extract<Action, { kind: 'hostile-http' | 'hostile-ws' }>;

/** A well-formed task id the hub never issued. */
const UNKNOWN_TASK_ID = `task-${'f'.repeat(16)}`;

/** `{"description":"` then bytes no UTF-8 decoder accepts. */
const INVALID_UTF8 = Uint8Array.from([...Buffer.from('{"description":"'), 0xff, 0xfe, 0xc3, 0x28, ...Buffer.from('"}')]);

/**
 * Play one hostile action, then probe: does the hub still answer /health, and
 * can a fresh socket still identify? What came back is history; the model judges.
 */
export async function executeHostile(ctx: RunContext, action: HostileAction): Promise<ActionOutcome> {
  const outcome = action.kind === 'hostile-http' ? await hostileRequest(ctx, action.request) : await hostileFrame(ctx, action);
  if (outcome.status === 'done') await probe(ctx);
  return outcome;
}

function ourLatestTask(ctx: RunContext): string {
  return ctx.submitted.at(-1) ?? UNKNOWN_TASK_ID;
}

function resolveId(ctx: RunContext, id: HostileId): string {
  if ('text' in id) return id.text;
  return id.id === 'ours' ? ourLatestTask(ctx) : UNKNOWN_TASK_ID;
}

/** The body as a JSON value, or as raw bytes when it is not one. */
function bodyValue(
  ctx: RunContext,
  request: HostileRequest,
  resolve: (ref: HostileRef) => unknown,
): { json: unknown } | { raw: string | Uint8Array } | undefined {
  const body: HostileBody = request.body;
  const base = baseBody(request.path, `hostile task ${ctx.submitted.length + 1}`, ctx.isolate([])) ?? {};
  switch (body.body) {
    case 'none':
      return undefined;
    case 'text':
      return { raw: body.text };
    case 'invalid-utf8':
      return { raw: INVALID_UTF8 };
    case 'json':
      return { json: materialize(body.value, resolve) };
    case 'sized':
      return { json: padTo(keepIsolated(ctx, base), SIZE_LIMIT_BYTES + (body.limit === 'at' ? 0 : 1)) };
    case 'fields':
      return { json: keepIsolated(ctx, applyOverrides(base, body.overrides, resolve)) };
  }
}

/**
 * On a shared hub our tasks and tokens must stay ours: a list of capabilities
 * keeps the run's isolation capability, and a token is minted only for an
 * agent id inside the run's namespace.
 */
function keepIsolated(ctx: RunContext, body: Record<string, unknown>): Record<string, unknown> {
  const out = { ...body };
  const capabilities = out.needed_capabilities;
  if (Array.isArray(capabilities) && capabilities.every((entry) => typeof entry === 'string')) {
    out.needed_capabilities = ctx.isolate(capabilities);
  }
  const agentId = out.agent_id;
  if (typeof agentId === 'string' && agentId !== '') out.agent_id = `${ctx.target.namespace}${agentId}`;
  return out;
}

async function authOptions(ctx: RunContext, request: HostileRequest): Promise<Pick<RawRequestOptions, 'token' | 'headers'>> {
  switch (request.auth) {
    case 'admin':
      return {};
    case 'none':
      return { token: null };
    case 'unknown-token':
      return { token: ctx.unknownToken() };
    case 'malformed':
      return { token: null, headers: { authorization: 'Bearer' } };
    case 'agent':
      return { token: await ctx.tokenFor(ctx.agentId(0)) };
  }
}

async function hostileRequest(ctx: RunContext, request: HostileRequest): Promise<ActionOutcome> {
  if (request.path.to === 'reset' && request.auth === 'admin') return skipped('the admin reset is never sent with the admin token');
  const resolve = httpRefs(ctx);
  const path = pathText(request.path, (id) => resolveId(ctx, id));
  const value = bodyValue(ctx, request, resolve);
  const contentType = { 'content-type': CONTENT_TYPES[request.contentType] };
  const auth = await authOptions(ctx, request).catch(() => undefined);
  if (auth === undefined) return skipped('no agent token could be minted');
  const options: RawRequestOptions = { ...auth };
  if (value !== undefined) {
    // A JSON body under a JSON content type is recorded as the value itself, so the model can judge it.
    if ('json' in value && isJsonContentType(request.contentType)) options.body = value.json;
    else options.rawBody = 'json' in value ? (JSON.stringify(value.json) ?? '') : value.raw;
    options.headers = { ...auth.headers, ...contentType };
  }
  const answer = await ctx.client.raw(request.method, path, options).catch(() => undefined);
  const reply = answer?.status === 201 && typeof answer.body === 'object' && answer.body !== null ? (answer.body as Record<string, unknown>) : undefined;
  if (request.path.to === 'tasks' && typeof reply?.task_id === 'string') ctx.submitted.push(reply.task_id);
  const minted = request.path.to === 'tokens' ? reply?.agent_id : undefined;
  // An id with a lone surrogate has no URL form, so its token cannot be revoked: the client throws at once.
  if (typeof minted === 'string') await Promise.resolve(minted).then(ctx.client.revokeToken).catch(() => undefined);
  return DONE;
}

function httpRefs(ctx: RunContext): (ref: HostileRef) => unknown {
  return (ref) => {
    switch (ref) {
      case 'our-task':
      case 'held-task':
        return ourLatestTask(ctx);
      case 'held-generation':
        return 1;
      case 'own-id':
        return ctx.agentId(0);
      case 'own-token':
        return ctx.unknownToken();
      case 'own-capabilities':
        return ctx.isolate([]);
    }
  };
}

function wsRefs(ctx: RunContext, agent: SimAgent, token: string): (ref: HostileRef) => unknown {
  return (ref) => {
    switch (ref) {
      case 'held-task':
        return agent.held?.taskId ?? ourLatestTask(ctx);
      case 'held-generation':
        return agent.held?.generation ?? 1;
      case 'our-task':
        return ourLatestTask(ctx);
      case 'own-id':
        return agent.agentId;
      case 'own-token':
        return token;
      case 'own-capabilities':
        return ctx.isolate([]);
    }
  };
}

/** The frame's text, or the bytes of a binary one. */
function frameData(frame: HostileFrame, resolve: (ref: HostileRef) => unknown): string | Uint8Array {
  switch (frame.frame) {
    case 'binary':
      return Uint8Array.from([0x00, 0xff]);
    case 'text':
      return frame.text;
    case 'sized':
      return JSON.stringify(padTo({ type: 'ping' }, frame.limit === 'at' ? SIZE_LIMIT_BYTES - FRAME_MARGIN_BYTES : SIZE_LIMIT_BYTES + 1));
    case 'message':
      return JSON.stringify(applyOverrides(baseFrame(materialize(frame.type, resolve), resolve), frame.overrides, resolve));
  }
}

/**
 * Whether to wait after sending: for an answer, or for the close that refuses
 * a binary or oversized frame. Only a progress report on an identified socket
 * goes unanswered.
 */
function worthWaiting(data: string | Uint8Array, identified: boolean): boolean {
  if (typeof data !== 'string' || data.length > SIZE_LIMIT_BYTES) return true;
  if (!identified) return true;
  try {
    const frame = JSON.parse(data) as { type?: unknown; task_id?: unknown };
    return !(frame.type === 'task_progress' && frame.task_id !== undefined && frame.task_id !== null);
  } catch {
    return true;
  }
}

async function hostileFrame(ctx: RunContext, action: Extract<HostileAction, { kind: 'hostile-ws' }>): Promise<ActionOutcome> {
  let agent: SimAgent;
  if (action.socket === 'own') {
    // Like the fencing probes: the frame matters, not which identified agent sends it.
    const own = (await ctx.agentHoldingATask()) ?? ctx.liveAgents()[0];
    if (own === undefined) return skipped('no agent is identified');
    agent = own;
  } else {
    agent = await ctx.newAgent(ctx.agentId(action.agent), [], 'ignore');
    ctx.strays.add(agent);
    await agent.connect().catch(() => undefined);
    if (!agent.connected) return DONE;
  }
  const token = await ctx.tokenFor(agent.agentId).catch(() => undefined);
  if (token === undefined) return skipped('no token could be minted');
  const data = frameData(action.frame, wsRefs(ctx, agent, token));
  const send = (): number => (typeof data === 'string' ? agent.send(data, 'a hostile frame') : agent.sendBinary(data));
  // A binary or oversized frame is answered by a close: waiting for a reply also ends there.
  if (worthWaiting(data, action.socket === 'own')) await sendAndAwaitReply(agent, send, 'the answer to a hostile frame');
  else send();
  if (action.socket === 'fresh') await agent.close().catch(() => undefined);
  return DONE;
}

function janitorId(ctx: RunContext): string | undefined {
  const first = ctx.recorder.snapshot().find((event): event is RunStartEvent => event.kind === 'run_start');
  return first?.payload.janitorId;
}

/**
 * Whether the hub still serves after a hostile step: /health, and a fresh
 * socket identifying as the janitor (an agent the model knows), closed at once.
 */
async function probe(ctx: RunContext): Promise<void> {
  const health = await ctx.client.raw('GET', '/health', { token: null }).then(
    (answer) => answer.status,
    () => null,
  );
  const id = janitorId(ctx);
  let identify = 'no janitor id in this run';
  if (id !== undefined) {
    const prober = await ctx.newAgent(id, [], 'ignore');
    ctx.strays.add(prober);
    identify = await prober.start().then(
      (reply) => String(reply.type),
      (error: unknown) => (error instanceof Error ? error.message : String(error)),
    );
    await prober.close().catch(() => undefined);
  }
  ctx.recorder.record({ actor: 'runner', kind: 'probe', payload: { health, identified: identify === 'identified', identify } });
}

