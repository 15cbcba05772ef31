// docs/protocol.md#http-routes: health and the task routes (submit, list, get, stats,
// dead letter, retry), with the submit type checks of "Reference behaviour".
import { describe, expect, it } from 'vitest';
import { TASK_ID, eventually, ofType, sleep, useHub } from './support.js';

describe('GET /health', () => {
  const h = useHub();

  it('answers ok with the number of connected agents', async () => {
    const res = await h.http('GET', '/health', { token: null });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', service: 'agent_com', agents_connected: 0 });
    const a = await h.openAgent('a1');
    await h.openAgent('b1');
    expect((await h.http('GET', '/health')).body.agents_connected).toBe(2);
    await a.close();
    await eventually(async () => expect((await h.http('GET', '/health')).body.agents_connected).toBe(1));
  });
});

describe('POST /api/tasks', () => {
  const h = useHub();

  it('answers 201 queued with the id, the integer priority and created_at', async () => {
    const before = Date.now();
    const res = await h.http('POST', '/api/tasks', { json: { description: 'd' } });
    expect(res.status).toBe(201);
    expect(Object.keys(res.body).sort()).toEqual(['created_at', 'priority', 'status', 'task_id']);
    expect(res.body).toMatchObject({ status: 'queued', priority: 2 });
    expect(res.body.task_id).toMatch(TASK_ID);
    expect(res.body.created_at).toBeGreaterThanOrEqual(before - 5);
    expect(res.body.created_at).toBeLessThanOrEqual(Date.now() + 5);
  });

  it('stores a new task with the documented defaults', async () => {
    const token = await h.mint('sub');
    const id = await h.submit({ description: 'hello' }, token);
    const task = await h.task(id);
    expect(task).toMatchObject({
      id,
      description: 'hello',
      metadata: {},
      priority: 2,
      status: 'queued',
      assigned_to: null,
      assigned_at: null,
      generation: 0,
      retry_count: 0,
      max_retries: 3,
      needed_capabilities: [],
      last_error: null,
      complete_by: null,
      submitted_by: 'sub',
    });
    expect(task.updated_at).toBeGreaterThanOrEqual(task.created_at);
    expect(task.history).toHaveLength(1);
    expect(task.history[0]).toMatchObject({ details: 'submitted' });
    expect(Object.keys(task.history[0]).sort()).toEqual(['details', 'event', 'timestamp']);
  });

  it('stores the optional fields it was given', async () => {
    const completeBy = Date.now() + 3_600_000;
    const id = await h.submit({
      description: 'full',
      priority: 'high',
      metadata: { a: { b: 1 } },
      max_retries: 7,
      complete_by: completeBy,
      needed_capabilities: ['gpu', 'x'],
    });
    expect(await h.task(id)).toMatchObject({
      priority: 1,
      metadata: { a: { b: 1 } },
      max_retries: 7,
      complete_by: completeBy,
      needed_capabilities: ['gpu', 'x'],
    });
    expect((await h.task(await h.submit({ complete_by: null }))).complete_by).toBeNull();
  });

  it.each([
    ['urgent', 0],
    ['high', 1],
    ['normal', 2],
    ['low', 3],
    ['URGENT', 2],
    ['Low', 2],
    ['bogus', 2],
    ['', 2],
  ])('priority %j is taken as %i', async (priority, expected) => {
    const res = await h.http('POST', '/api/tasks', { json: { description: 'p', priority } });
    expect(res.status).toBe(201);
    expect(res.body.priority).toBe(expected);
    expect((await h.task(res.body.task_id)).priority).toBe(expected);
  });

  it.each([
    ['an empty object', {}],
    ['a null description', { description: null, priority: 'high' }],
    ['a JSON array', [{ description: 'x' }]],
    ['a JSON string', 'x'],
    ['a JSON number', 1],
    ['JSON null', null],
  ])('%s is 400 missing required field: description', async (_, json) => {
    const res = await h.http('POST', '/api/tasks', { raw: JSON.stringify(json) });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'missing required field: description' });
  });

  it.each([
    ['description', ''],
    ['description', 12],
    ['description', ['x']],
    ['priority', 1],
    ['priority', true],
    ['priority', { name: 'high' }],
    ['max_retries', -1],
    ['max_retries', 101],
    ['max_retries', 1.5],
    ['max_retries', '3'],
    ['complete_by', 'soon'],
    ['complete_by', 1.5],
    ['complete_by', {}],
    ['needed_capabilities', 'gpu'],
    ['needed_capabilities', [1]],
    ['needed_capabilities', [{ name: 'gpu' }]],
    ['metadata', []],
    ['metadata', 'x'],
    ['metadata', 3],
  ])('%s = %j is 400 invalid_field and stores nothing', async (field, value) => {
    const res = await h.http('POST', '/api/tasks', { json: { description: 'ok', [field]: value } });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_field', field });
    expect((await h.http('GET', '/api/tasks')).body.count).toBe(0);
  });

  it('max_retries accepts the bounds 0 and 100', async () => {
    expect((await h.task(await h.submit({ max_retries: 0 }))).max_retries).toBe(0);
    expect((await h.task(await h.submit({ max_retries: 100 }))).max_retries).toBe(100);
  });
});

describe('GET /api/tasks', () => {
  const h = useHub();

  async function submitSpaced(priorities: string[]): Promise<string[]> {
    const ids: string[] = [];
    for (const priority of priorities) {
      ids.push(await h.submit({ priority }));
      await sleep(3); // distinct created_at, so FIFO inside a lane is observable
    }
    return ids;
  }

  it('lists tasks in queue order: priority, then created_at', async () => {
    const [low, n1, urgent, high, n2, u2] = await submitSpaced(['low', 'normal', 'urgent', 'high', 'normal', 'urgent']);
    const res = await h.http('GET', '/api/tasks');
    expect(res.status).toBe(200);
    expect(res.body.count).toBe(6);
    expect(res.body.tasks.map((t: { id: string }) => t.id)).toEqual([urgent, u2, high, n1, n2, low]);
    expect(res.body.tasks[0]).toMatchObject({ id: urgent, status: 'queued', priority: 0 });
  });

  it('filters by status, priority name and assigned_to, and ignores unknown filter values', async () => {
    const [low, high] = await submitSpaced(['low', 'high']);
    const sock = await h.openAgent('a1');
    await sock.next(ofType('task_assign', high));
    const list = async (query: string): Promise<string[]> => {
      const res = await h.http('GET', `/api/tasks${query}`);
      expect(res.status).toBe(200);
      expect(res.body.count).toBe(res.body.tasks.length);
      return res.body.tasks.map((t: { id: string }) => t.id);
    };
    expect(await list('?status=assigned')).toEqual([high]);
    expect(await list('?status=queued')).toEqual([low]);
    expect(await list('?priority=low')).toEqual([low]);
    expect(await list('?priority=high')).toEqual([high]);
    expect(await list('?priority=urgent')).toEqual([]);
    expect(await list('?assigned_to=a1')).toEqual([high]);
    expect(await list('?assigned_to=nobody')).toEqual([]);
    expect(await list('?status=queued&priority=high')).toEqual([]);
    expect(await list('?status=bogus')).toEqual([high, low]);
    expect(await list('?priority=2')).toEqual([high, low]);
    expect(await list('?priority=HIGH')).toEqual([high, low]);
    expect(await list('?status=completed')).toEqual([]);
  });

  it('lists completed tasks but not dead letters', async () => {
    const { sock, id } = await h.agentWithTask('a1', { max_retries: 0 });
    sock.send({ type: 'task_failed', task_id: id, generation: 1 });
    await sock.next(ofType('task_ack', id));
    const done = await h.submit();
    await sock.next(ofType('task_assign', done));
    sock.send({ type: 'task_complete', task_id: done, generation: 1 });
    await sock.next(ofType('task_ack', done));
    const res = await h.http('GET', '/api/tasks');
    expect(res.body.tasks.map((t: { id: string }) => t.id)).toEqual([done]);
    expect(res.body.tasks[0].status).toBe('completed');
  });
});

describe('GET /api/tasks/:id', () => {
  const h = useHub();

  it('answers 404 task_not_found with the id for an unknown task', async () => {
    const res = await h.http('GET', '/api/tasks/task-ffffffffffffffff');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: 'task_not_found', task_id: 'task-ffffffffffffffff' });
  });

  it('finds a dead-lettered task', async () => {
    const { sock, id } = await h.agentWithTask('a1', { max_retries: 0 });
    sock.send({ type: 'task_failed', task_id: id, generation: 1, error: 'x' });
    await sock.next(ofType('task_ack', id));
    expect(await h.task(id)).toMatchObject({ id, status: 'dead_letter', last_error: 'x' });
  });
});

describe('GET /api/tasks/stats', () => {
  const h = useHub();

  it('is all empty on a fresh hub', async () => {
    const res = await h.http('GET', '/api/tasks/stats');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ by_status: {}, by_priority: {}, dead_letter: 0, queued_index_size: 0 });
  });

  it('counts by status and priority, listing only keys with a count', async () => {
    const sock = await h.openAgent('a1');
    const dead = await h.submit({ priority: 'urgent', max_retries: 0 });
    await sock.next(ofType('task_assign', dead));
    sock.send({ type: 'task_failed', task_id: dead, generation: 1 });
    await sock.next(ofType('task_ack', dead));
    const done = await h.submit({ priority: 'urgent' });
    await sock.next(ofType('task_assign', done));
    sock.send({ type: 'task_complete', task_id: done, generation: 1 });
    await sock.next(ofType('task_ack', done));
    const held = await h.submit({ priority: 'low' });
    await sock.next(ofType('task_assign', held));
    await h.submit();
    await h.submit();
    const res = await h.http('GET', '/api/tasks/stats');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      by_status: { assigned: 1, completed: 1, queued: 2 },
      by_priority: { '0': 1, '2': 2, '3': 1 },
      dead_letter: 1,
      queued_index_size: 2,
    });
  });
});

describe('dead letter and retry', () => {
  const h = useHub();

  it('GET /api/tasks/dead-letter lists dead letters with a count', async () => {
    expect((await h.http('GET', '/api/tasks/dead-letter')).body).toEqual({ tasks: [], count: 0 });
    const { sock, id } = await h.agentWithTask('a1', { max_retries: 0 });
    sock.send({ type: 'task_failed', task_id: id, generation: 1 });
    await sock.next(ofType('task_ack', id));
    const res = await h.http('GET', '/api/tasks/dead-letter');
    expect(res.status).toBe(200);
    expect(res.body.count).toBe(1);
    expect(res.body.tasks).toHaveLength(1);
    expect(res.body.tasks[0]).toMatchObject({ id, status: 'dead_letter', retry_count: 1 });
  });

  it('POST /api/tasks/:id/retry requeues a dead letter: 200, retry_count 0, generation + 1', async () => {
    const { sock, id } = await h.agentWithTask('a1', { max_retries: 0, priority: 'low', needed_capabilities: ['c'] }, ['c']);
    sock.send({ type: 'task_failed', task_id: id, generation: 1 });
    await sock.next(ofType('task_ack', id));
    await sock.close();
    const dead = await h.task(id);
    const res = await h.http('POST', `/api/tasks/${id}/retry`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'requeued', task_id: id, priority: 3 });
    expect(await h.task(id)).toMatchObject({ status: 'queued', retry_count: 0, generation: dead.generation + 1 });
    expect((await h.http('GET', '/api/tasks/dead-letter')).body.count).toBe(0);
    expect((await h.http('GET', '/api/tasks/stats')).body).toEqual({
      by_status: { queued: 1 },
      by_priority: { '3': 1 },
      dead_letter: 0,
      queued_index_size: 1,
    });
  });

  it('retry of an unknown task or one not in the dead-letter store is 404', async () => {
    const unknown = await h.http('POST', '/api/tasks/task-ffffffffffffffff/retry');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ error: expect.any(String) });
    const queued = await h.submit();
    expect((await h.http('POST', `/api/tasks/${queued}/retry`)).status).toBe(404);
    expect(await h.task(queued)).toMatchObject({ status: 'queued', generation: 0 });
  });
});
