// docs/protocol.md#http-routes: tokens, agent states (the per-agent state machine),
// admin reset, and 404 for everything else.
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { eventually, isToken, leaks, ofType, useHub, withDeadline, withHub } from './support.js';

describe('/admin/tokens', () => {
  const h = useHub();

  it('POST mints a token for the agent: 201 {agent_id, token}', async () => {
    const res = await h.http('POST', '/admin/tokens', { json: { agent_id: 'worker-1' } });
    expect(res.status).toBe(201);
    expect(Object.keys(res.body).sort()).toEqual(['agent_id', 'token']);
    expect(res.body.agent_id).toBe('worker-1');
    expect(isToken(res.body.token), 'token is 64 lowercase hex').toBe(true);
    await h.openAgent('worker-1', [], { token: res.body.token });
  });

  it.each([
    ['an empty object', {}],
    ['a numeric agent_id', { agent_id: 5 }],
    ['an empty agent_id', { agent_id: '' }],
    ['a JSON array', ['worker-1']],
  ])('POST with %s is 400', async (_, json) => {
    const res = await h.http('POST', '/admin/tokens', { json });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: expect.any(String) });
  });

  it('GET lists the agents with token prefixes only', async () => {
    const token = await h.mint('lister');
    const res = await h.http('GET', '/admin/tokens');
    expect(res.status).toBe(200);
    expect(res.text).toContain('lister');
    expect(res.text).toContain(token.slice(0, 8));
    expect(leaks(res.text, token) || leaks(res.text, h.adminToken), 'a whole token in the list').toBe(false);
  });

  it("DELETE revokes every token of that agent and no one else's", async () => {
    const t1 = await h.mint('victim');
    const t2 = await h.mint('victim');
    const keep = await h.mint('bystander');
    const res = await h.http('DELETE', '/admin/tokens/victim');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'revoked' });
    expect((await h.http('GET', '/api/tasks', { token: t1 })).status).toBe(401);
    expect((await h.http('GET', '/api/tasks', { token: t2 })).status).toBe(401);
    expect((await h.http('GET', '/api/tasks', { token: keep })).status).toBe(200);
    expect((await h.http('GET', '/admin/tokens')).text).not.toContain(t1.slice(0, 8));
  });
});

describe('GET /api/agents/states', () => {
  const h = useHub();
  const stateOf = async (agentId: string) => (await h.agentStates()).find((a) => a.agent_id === agentId);

  it('shows fsm_state unknown until the first transition, with capabilities and flags', async () => {
    await h.openAgent('a1', ['x', { name: 'y' }]);
    const res = await h.http('GET', '/api/agents/states');
    expect(res.status).toBe(200);
    expect(res.body.agents).toHaveLength(1);
    expect(res.body.agents[0]).toMatchObject({
      agent_id: 'a1',
      fsm_state: 'unknown',
      current_task_id: null,
      capabilities: ['x', 'y'],
      flags: [],
    });
  });

  it('follows idle -> assigned -> working -> idle on complete', async () => {
    const { sock, id } = await h.agentWithTask('a1');
    expect(await stateOf('a1')).toMatchObject({ fsm_state: 'assigned', current_task_id: id });
    sock.send({ type: 'task_accepted', task_id: id });
    await sock.next(ofType('task_ack', id));
    expect(await stateOf('a1')).toMatchObject({ fsm_state: 'working', current_task_id: id });
    sock.send({ type: 'task_complete', task_id: id, generation: 1 });
    await sock.next(ofType('task_ack', id));
    expect(await stateOf('a1')).toMatchObject({ fsm_state: 'idle', current_task_id: null });
  });

  it('goes idle when a fail is acknowledged, accepted or not', async () => {
    const { sock, id } = await h.agentWithTask('a1', { max_retries: 0 });
    sock.send({ type: 'task_failed', task_id: id, generation: 1 });
    await sock.next(ofType('task_ack', id));
    expect(await stateOf('a1')).toMatchObject({ fsm_state: 'idle', current_task_id: null });
    const second = await h.submit({ max_retries: 0 });
    await sock.next(ofType('task_assign', second));
    sock.send({ type: 'task_accepted', task_id: second });
    await sock.next(ofType('task_ack', second));
    sock.send({ type: 'task_failed', task_id: second, generation: 1 });
    await sock.next((f) => f.type === 'task_ack' && f.status === 'dead_letter');
    expect(await stateOf('a1')).toMatchObject({ fsm_state: 'idle', current_task_id: null });
  });

  it('an agent that joins while a task is queued starts in assigned', async () => {
    const id = await h.submit();
    const sock = await h.openAgent('a1');
    await sock.next(ofType('task_assign', id));
    expect(await stateOf('a1')).toMatchObject({ fsm_state: 'assigned', current_task_id: id });
  });

  it('the agent disappears when its socket goes down', async () => {
    const a = await h.openAgent('a1');
    await h.openAgent('b1');
    await a.kill();
    await eventually(async () => expect((await h.agentStates()).map((s) => s.agent_id)).toEqual(['b1']));
  });
});

describe('POST /api/admin/reset', () => {
  const h = useHub();

  it('admin: 200 reset_scheduled, every socket closes with 1000, agent state is lost, the hub serves again', async () => {
    const a = await h.openAgent('a1');
    const b = await h.connect();
    const res = await h.http('POST', '/api/admin/reset');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'reset_scheduled' });
    expect((await a.waitClosed()).code).toBe(1000);
    expect((await b.waitClosed()).code).toBe(1000);
    await eventually(async () => {
      const health = await h.http('GET', '/health');
      expect(health.status).toBe(200);
      expect(health.body.agents_connected).toBe(0);
    });
    expect(await h.agentStates()).toEqual([]);
    await h.openAgent('a1');
  });

  it('any other agent gets 403 admin_only and nothing closes', async () => {
    const token = await h.mint('not-admin');
    const sock = await h.openAgent('a1');
    const res = await h.http('POST', '/api/admin/reset', { token });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ error: 'admin_only' });
    await sock.sync();
    expect(sock.isOpen).toBe(true);
  });

  it('the adminAgents option lists who may reset', async () => {
    await withHub({ adminAgents: ['admin', 'ops'] }, async (fx) => {
      const token = await fx.mint('ops');
      const res = await fx.http('POST', '/api/admin/reset', { token });
      expect(res.status).toBe(200);
    });
  });
});

describe('anything else', () => {
  const h = useHub();

  it.each([
    ['GET', '/'],
    ['GET', '/nope'],
    ['GET', '/api'],
    ['GET', '/api/tasks/task-0000000000000000/retry'],
    ['GET', '/api/tasks/task-0000000000000000/extra'],
    ['POST', '/health'],
    ['PUT', '/api/tasks'],
    ['DELETE', '/api/tasks/task-0000000000000000'],
    ['PATCH', '/api/tasks/stats'],
    ['GET', '/admin/tokens/someone'],
    ['DELETE', '/admin/tokens'],
    ['GET', '/api/admin/reset'],
  ])('%s %s is 404 not_found', async (method, path) => {
    const res = await h.http(method, path, { json: method === 'GET' || method === 'DELETE' ? undefined : {} });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: 'not_found' });
  });
});

describe('WebSocket upgrade elsewhere than /ws', () => {
  const h = useHub();

  it('is 404 not_found with the JSON body', async () => {
    const ws = new WebSocket(h.hub.url.replace('http', 'ws') + '/nope');
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      ws.on('unexpected-response', (req, res: IncomingMessage) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => {
          req.destroy();
          resolve({ status: res.statusCode ?? 0, body });
        });
      });
      ws.on('open', () => reject(new Error('upgraded on /nope')));
      ws.on('error', () => undefined);
    });
    try {
      const { status, body } = await withDeadline(answer, 2_000, 'no answer to the upgrade');
      expect(status).toBe(404);
      expect(JSON.parse(body)).toEqual({ error: 'not_found' });
    } finally {
      ws.terminate();
    }
  });

  it('a plain GET /ws is 404 not_found', async () => {
    const res = await h.http('GET', '/ws');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: 'not_found' });
  });
});
