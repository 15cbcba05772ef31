// docs/protocol.md#websocket-messages task rows, the task_assign push, and the
// "Reference behaviour" rules on who may accept, complete or fail a task.
import { describe, expect, it } from 'vitest';
import { ofType, sleep, useHub } from './support.js';

const UNKNOWN_ID = 'task-0123456789abcdef';
const replyFor = (id: string) => (f: { type?: string; task_id?: string }) =>
  f.type === 'error' || (f.task_id === id && f.type !== 'task_assign');

describe('task_assign push', () => {
  const h = useHub();

  it('carries exactly type, task_id, description, metadata, generation and assigned_at', async () => {
    const sock = await h.openAgent('a1');
    const before = Date.now();
    const id = await h.submit({ description: 'do it', metadata: { k: [1, 'v'] } });
    const assign = await sock.next(ofType('task_assign', id));
    expect(Object.keys(assign).sort()).toEqual(['assigned_at', 'description', 'generation', 'metadata', 'task_id', 'type']);
    expect(assign).toMatchObject({ description: 'do it', metadata: { k: [1, 'v'] }, generation: 1 });
    expect(assign.assigned_at).toBeGreaterThanOrEqual(before - 5);
    expect(assign.assigned_at).toBeLessThanOrEqual(Date.now() + 5);
    const task = await h.task(id);
    expect(task).toMatchObject({ status: 'assigned', assigned_to: 'a1', generation: 1 });
    expect(task.assigned_at).toBe(assign.assigned_at);
    expect(task.history[0].details).toEqual({ agent_id: 'a1', generation: 1 });
  });

  it('metadata defaults to {}', async () => {
    const { assign } = await h.agentWithTask('a1');
    expect(assign.metadata).toEqual({});
    expect(typeof assign.description).toBe('string');
  });
});

describe('task_accepted', () => {
  const h = useHub();

  it('acks accepted and moves the agent to working', async () => {
    const { sock, id } = await h.agentWithTask('a1');
    sock.send({ type: 'task_accepted', task_id: id });
    expect(await sock.next(replyFor(id))).toEqual({ type: 'task_ack', task_id: id, status: 'accepted' });
    expect((await h.agentStates())[0]).toMatchObject({ fsm_state: 'working', current_task_id: id });
  });

  it('a non-assignee gets task_accept_failed: not_assignee and nothing changes', async () => {
    const { id } = await h.agentWithTask('a1');
    const other = await h.openAgent('b1');
    const before = await h.task(id);
    other.send({ type: 'task_accepted', task_id: id });
    expect(await other.next(replyFor(id))).toEqual({ type: 'error', error: 'task_accept_failed: not_assignee' });
    expect(await h.task(id)).toEqual(before);
    expect((await h.agentStates()).find((a) => a.agent_id === 'a1').fsm_state).toBe('assigned');
  });

  it('an unknown task is task_accept_failed: not_found', async () => {
    const sock = await h.openAgent('a1');
    sock.send({ type: 'task_accepted', task_id: UNKNOWN_ID });
    expect(await sock.next(replyFor(UNKNOWN_ID))).toEqual({ type: 'error', error: 'task_accept_failed: not_found' });
  });

  it('a task that is not assigned is task_accept_failed: invalid_state', async () => {
    const sock = await h.openAgent('a1');
    const id = await h.submit({ needed_capabilities: ['nobody-has-this'] });
    sock.send({ type: 'task_accepted', task_id: id });
    expect(await sock.next(replyFor(id))).toEqual({ type: 'error', error: 'task_accept_failed: invalid_state' });
    expect((await h.task(id)).status).toBe('queued');
  });
});

describe('task_progress', () => {
  const h = useHub();

  it('answers nothing and refreshes updated_at', async () => {
    const { sock, id } = await h.agentWithTask('a1');
    const before = await h.task(id);
    await sleep(15);
    sock.send({ type: 'task_progress', task_id: id, progress: 50 });
    await sock.sync();
    expect(sock.pending((f) => f.type === 'error' || f.task_id === id)).toEqual([]);
    const after = await h.task(id);
    expect(after.updated_at).toBeGreaterThan(before.updated_at);
    expect(after).toMatchObject({ status: 'assigned', generation: before.generation, assigned_to: 'a1' });
  });
});

describe('task_complete', () => {
  const h = useHub();

  it('acks complete; the task keeps assigned_to and assigned_at and stores result and tokens_used', async () => {
    const { sock, id, assign } = await h.agentWithTask('a1');
    sock.send({ type: 'task_complete', task_id: id, generation: 1, result: { out: 'x' }, tokens_used: 42 });
    expect(await sock.next(replyFor(id))).toEqual({ type: 'task_ack', task_id: id, status: 'complete' });
    const task = await h.task(id);
    expect(task).toMatchObject({
      status: 'completed',
      assigned_to: 'a1',
      assigned_at: assign.assigned_at,
      generation: 1,
      result: { out: 'x' },
      tokens_used: 42,
    });
    expect(task.history[0].details).toEqual({ tokens_used: 42 });
  });

  it('without accepting first, and result defaults to {}', async () => {
    const { sock, id } = await h.agentWithTask('a1');
    sock.send({ type: 'task_complete', task_id: id, generation: 1 });
    expect(await sock.next(replyFor(id))).toMatchObject({ type: 'task_ack', status: 'complete' });
    expect((await h.task(id)).result).toEqual({});
    expect((await h.agentStates())[0].fsm_state).toBe('idle');
  });

  it.each([
    ['another generation', { generation: 2 }],
    ['a missing generation (taken as 0)', {}],
    ['generation 0', { generation: 0 }],
    ['generation "1" (a string)', { generation: '1' }],
    ['generation 1.5', { generation: 1.5 }],
  ])('%s is task_complete_failed: stale_generation and nothing changes', async (_, extra) => {
    const { sock, id } = await h.agentWithTask('a1');
    const before = await h.task(id);
    sock.send({ type: 'task_complete', task_id: id, ...extra });
    expect(await sock.next(replyFor(id))).toEqual({ type: 'error', error: 'task_complete_failed: stale_generation' });
    expect(await h.task(id)).toEqual(before);
  });

  it('a task that is not assigned is task_complete_failed: invalid_state', async () => {
    const { sock, id } = await h.agentWithTask('a1');
    sock.send({ type: 'task_complete', task_id: id, generation: 1 });
    await sock.next(ofType('task_ack', id));
    sock.send({ type: 'task_complete', task_id: id, generation: 1 });
    expect(await sock.next(replyFor(id))).toEqual({ type: 'error', error: 'task_complete_failed: invalid_state' });
    const queued = await h.submit({ needed_capabilities: ['nobody-has-this'] });
    sock.send({ type: 'task_complete', task_id: queued, generation: 0 });
    expect(await sock.next(replyFor(queued))).toEqual({ type: 'error', error: 'task_complete_failed: invalid_state' });
    expect((await h.task(queued)).status).toBe('queued');
  });

  it('an unknown or dead-lettered task is task_complete_failed: not_found', async () => {
    const { sock, id } = await h.agentWithTask('a1', { max_retries: 1 });
    sock.send({ type: 'task_complete', task_id: UNKNOWN_ID, generation: 1 });
    expect(await sock.next(replyFor(UNKNOWN_ID))).toEqual({ type: 'error', error: 'task_complete_failed: not_found' });
    sock.send({ type: 'task_failed', task_id: id, generation: 1 });
    expect(await sock.next(replyFor(id))).toMatchObject({ status: 'dead_letter' });
    sock.send({ type: 'task_complete', task_id: id, generation: 1 });
    expect(await sock.next(replyFor(id))).toEqual({ type: 'error', error: 'task_complete_failed: not_found' });
  });

  it('a non-assignee gets task_complete_failed: not_assignee and nothing changes', async () => {
    const { id } = await h.agentWithTask('a1');
    const other = await h.openAgent('b1');
    const before = await h.task(id);
    other.send({ type: 'task_complete', task_id: id, generation: 1 });
    expect(await other.next(replyFor(id))).toEqual({ type: 'error', error: 'task_complete_failed: not_assignee' });
    expect(await h.task(id)).toEqual(before);
  });

  it.each([['a string', 'done'], ['a list', [1]], ['a number', 3]])(
    'a result that is %s is task_complete_failed: invalid_result',
    async (_, result) => {
      const { sock, id } = await h.agentWithTask('a1');
      const before = await h.task(id);
      sock.send({ type: 'task_complete', task_id: id, generation: 1, result });
      expect(await sock.next(replyFor(id))).toEqual({ type: 'error', error: 'task_complete_failed: invalid_result' });
      expect(await h.task(id)).toEqual(before);
    },
  );
});

describe('task_failed', () => {
  const h = useHub();

  it('below max_retries acks retried, requeues with retry_count + 1, a new generation and last_error', async () => {
    const { sock, id } = await h.agentWithTask('a1');
    sock.send({ type: 'task_failed', task_id: id, generation: 1, error: 'boom' });
    expect(await sock.next(replyFor(id))).toEqual({ type: 'task_ack', task_id: id, status: 'retried' });
    // Requeued at generation 2, then assigned again (generation 3) to the now idle agent.
    expect((await sock.next(ofType('task_assign', id))).generation).toBe(3);
    expect(await h.task(id)).toMatchObject({ status: 'assigned', retry_count: 1, last_error: 'boom', generation: 3 });
  });

  it('takes `reason` as the error too', async () => {
    const { sock, id } = await h.agentWithTask('a1', { needed_capabilities: ['z'] }, ['z']);
    sock.send({ type: 'task_failed', task_id: id, generation: 1, reason: 'why' });
    expect(await sock.next(replyFor(id))).toMatchObject({ status: 'retried' });
    expect((await h.task(id)).last_error).toBe('why');
  });

  it('reaching max_retries acks dead_letter and moves the task to the dead-letter store', async () => {
    const { sock, id } = await h.agentWithTask('a1', { max_retries: 2 });
    sock.send({ type: 'task_failed', task_id: id, generation: 1, error: 'e1' });
    expect(await sock.next(replyFor(id))).toMatchObject({ status: 'retried' });
    const again = await sock.next(ofType('task_assign', id));
    expect(again.generation).toBe(3);
    sock.send({ type: 'task_failed', task_id: id, generation: 3, error: 'e2' });
    expect(await sock.next(replyFor(id))).toEqual({ type: 'task_ack', task_id: id, status: 'dead_letter' });
    expect(await h.task(id)).toMatchObject({ status: 'dead_letter', retry_count: 2, last_error: 'e2' });
  });

  it('max_retries 0 dead-letters on the first failure', async () => {
    const { sock, id } = await h.agentWithTask('a1', { max_retries: 0 });
    sock.send({ type: 'task_failed', task_id: id, generation: 1 });
    expect(await sock.next(replyFor(id))).toMatchObject({ status: 'dead_letter' });
    expect(await h.task(id)).toMatchObject({ status: 'dead_letter', retry_count: 1 });
  });

  it('the errors: stale_generation, invalid_state, not_found, not_assignee', async () => {
    const { sock, id } = await h.agentWithTask('a1');
    const other = await h.openAgent('b1');
    const before = await h.task(id);
    sock.send({ type: 'task_failed', task_id: id, generation: 7 });
    expect(await sock.next(replyFor(id))).toEqual({ type: 'error', error: 'task_fail_failed: stale_generation' });
    sock.send({ type: 'task_failed', task_id: id });
    expect(await sock.next(replyFor(id))).toEqual({ type: 'error', error: 'task_fail_failed: stale_generation' });
    other.send({ type: 'task_failed', task_id: id, generation: 1 });
    expect(await other.next(replyFor(id))).toEqual({ type: 'error', error: 'task_fail_failed: not_assignee' });
    sock.send({ type: 'task_failed', task_id: UNKNOWN_ID, generation: 1 });
    expect(await sock.next(replyFor(UNKNOWN_ID))).toEqual({ type: 'error', error: 'task_fail_failed: not_found' });
    expect(await h.task(id)).toEqual(before);
    sock.send({ type: 'task_complete', task_id: id, generation: 1 });
    await sock.next(ofType('task_ack', id));
    sock.send({ type: 'task_failed', task_id: id, generation: 1 });
    expect(await sock.next(replyFor(id))).toEqual({ type: 'error', error: 'task_fail_failed: invalid_state' });
    expect((await h.task(id)).status).toBe('completed');
  });
});

describe('task_recovering', () => {
  const h = useHub();

  it('answers task_continue with the generation when the task is assigned to the caller', async () => {
    const { sock, id } = await h.agentWithTask('a1');
    sock.send({ type: 'task_recovering', task_id: id });
    expect(await sock.next(replyFor(id))).toEqual({ type: 'task_continue', task_id: id, generation: 1 });
  });

  it('answers task_reassign for a queued, a foreign, a completed and an unknown task', async () => {
    const { sock, id } = await h.agentWithTask('a1');
    const other = await h.openAgent('b1');
    other.send({ type: 'task_recovering', task_id: id });
    expect(await other.next(replyFor(id))).toEqual({ type: 'task_reassign', task_id: id });
    const queued = await h.submit({ needed_capabilities: ['nobody-has-this'] });
    sock.send({ type: 'task_recovering', task_id: queued });
    expect(await sock.next(replyFor(queued))).toEqual({ type: 'task_reassign', task_id: queued });
    sock.send({ type: 'task_recovering', task_id: UNKNOWN_ID });
    expect(await sock.next(replyFor(UNKNOWN_ID))).toEqual({ type: 'task_reassign', task_id: UNKNOWN_ID });
    sock.send({ type: 'task_complete', task_id: id, generation: 1 });
    await sock.next(ofType('task_ack', id));
    sock.send({ type: 'task_recovering', task_id: id });
    expect(await sock.next(replyFor(id))).toEqual({ type: 'task_reassign', task_id: id });
    expect((await h.task(id)).status).toBe('completed');
  });
});

describe('task history', () => {
  const h = useHub();

  it('is newest first and keeps at most 50 entries', async () => {
    const { sock, id } = await h.agentWithTask('a1', { max_retries: 100 });
    let generation = 1;
    for (let i = 0; i < 30; i++) {
      sock.send({ type: 'task_failed', task_id: id, generation, error: `e${i}` });
      await sock.next(ofType('task_ack', id));
      generation = (await sock.next(ofType('task_assign', id))).generation;
    }
    const task = await h.task(id);
    expect(task.generation).toBe(61);
    expect(task.history).toHaveLength(50);
    expect(task.history[0].details).toEqual({ agent_id: 'a1', generation: 61 });
    const times = task.history.map((e: { timestamp: number }) => e.timestamp);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(task.history.map((e: { details: unknown }) => e.details)).not.toContain('submitted');
  });
});
