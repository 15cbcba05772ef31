// docs/protocol.md#scheduling: queue order, capability matching, one task per
// agent per pass, and every scheduling trigger.
import { describe, expect, it } from 'vitest';
import { type RawSocket, eventually, ofType, sleep, useHub } from './support.js';

/** Complete the task just pushed to `sock` and return the id of the next task pushed. */
async function completeAndTakeNext(sock: RawSocket, assign: { task_id: string; generation: number }): Promise<string> {
  sock.send({ type: 'task_complete', task_id: assign.task_id, generation: assign.generation });
  await sock.next(ofType('task_ack', assign.task_id));
  return (await sock.next(ofType('task_assign'))).task_id;
}

describe('scheduling', () => {
  const h = useHub();

  it('hands out tasks in queue order: priority, then FIFO inside a lane', async () => {
    const ids: Record<string, string> = {};
    for (const [name, priority] of [
      ['low', 'low'],
      ['n1', 'normal'],
      ['u1', 'urgent'],
      ['n2', 'normal'],
      ['h1', 'high'],
      ['u2', 'urgent'],
    ] as const) {
      ids[name] = await h.submit({ priority });
      await sleep(3);
    }
    const sock = await h.openAgent('a1');
    const order: string[] = [];
    let assign = await sock.next(ofType('task_assign'));
    for (;;) {
      order.push(assign.task_id);
      if (order.length === 6) break;
      const nextId = await completeAndTakeNext(sock, assign);
      assign = { task_id: nextId, generation: 1 };
    }
    expect(order).toEqual([ids.u1, ids.u2, ids.h1, ids.n1, ids.n2, ids.low]);
  });

  it('gives each idle agent at most one task per pass and one task at a time', async () => {
    const t1 = await h.submit();
    await sleep(2);
    const t2 = await h.submit();
    await sleep(2);
    const t3 = await h.submit();
    const a = await h.openAgent('a1');
    expect((await a.next(ofType('task_assign'))).task_id).toBe(t1);
    const b = await h.openAgent('b1');
    expect((await b.next(ofType('task_assign'))).task_id).toBe(t2);
    await h.submit();
    await a.sync();
    await b.sync();
    expect(a.pending(ofType('task_assign'))).toEqual([]);
    expect(b.pending(ofType('task_assign'))).toEqual([]);
    expect((await h.task(t3)).status).toBe('queued');
  });

  it('pushes a task to exactly one of several idle agents', async () => {
    const agents = [await h.openAgent('a1'), await h.openAgent('b1'), await h.openAgent('c1')];
    const id = await h.submit();
    await eventually(async () => expect((await h.task(id)).status).toBe('assigned'));
    await Promise.all(agents.map((a) => a.sync()));
    const receivers = agents.filter((a) => a.pending(ofType('task_assign', id)).length > 0);
    expect(receivers).toHaveLength(1);
    const owner = (await h.task(id)).assigned_to;
    expect((await h.agentStates()).filter((s) => s.current_task_id === id).map((s) => s.agent_id)).toEqual([owner]);
  });

  it('matches needed_capabilities as plain strings, all of them, skipping tasks an agent cannot take', async () => {
    const gpuTask = await h.submit({ needed_capabilities: ['gpu', 'cuda'], priority: 'urgent' });
    const anyTask = await h.submit({ priority: 'low' });
    const plain = await h.openAgent('plain', ['gpu', 'GPU-ish', 'CUDA']);
    expect((await plain.next(ofType('task_assign'))).task_id).toBe(anyTask);
    expect((await h.task(gpuTask)).status).toBe('queued');
    const gpu = await h.openAgent('gpu', ['cuda', 'gpu', 'extra']);
    expect((await gpu.next(ofType('task_assign'))).task_id).toBe(gpuTask);
  });

  it('treats {name} objects among identify capabilities as their name', async () => {
    const id = await h.submit({ needed_capabilities: ['gpu', 'ssd'] });
    const sock = await h.openAgent('a1', [{ name: 'gpu' }, 'ssd']);
    expect((await sock.next(ofType('task_assign'))).task_id).toBe(id);
  });

  it('walks tasks in order and gives each to the first idle agent that can take it', async () => {
    const cpuOnly = await h.openAgent('cpu', ['cpu']);
    const both = await h.openAgent('both', ['cpu', 'gpu']);
    await sleep(3);
    // Submitting triggers a pass per task; both agents are idle for the second.
    const gpuTask = await h.submit({ needed_capabilities: ['gpu'] });
    const cpuTask = await h.submit({ needed_capabilities: ['cpu'] });
    expect((await both.next(ofType('task_assign'))).task_id).toBe(gpuTask);
    expect((await cpuOnly.next(ofType('task_assign'))).task_id).toBe(cpuTask);
  });

  it('triggers: task submitted, agent joined', async () => {
    const early = await h.submit();
    const sock = await h.openAgent('a1');
    expect((await sock.next(ofType('task_assign'))).task_id).toBe(early);
    const other = await h.openAgent('b1');
    const late = await h.submit();
    expect((await other.next(ofType('task_assign'))).task_id).toBe(late);
  });

  it('trigger: an agent that becomes idle on complete gets the next queued task', async () => {
    const { sock, assign } = await h.agentWithTask('a1');
    const queued = await h.submit();
    await sock.sync();
    expect(sock.pending(ofType('task_assign'))).toEqual([]);
    expect(await completeAndTakeNext(sock, assign)).toBe(queued);
  });

  it('trigger: an agent that becomes idle on a dead-letter fail gets the next queued task', async () => {
    const { sock, id } = await h.agentWithTask('a1', { max_retries: 0 });
    const queued = await h.submit();
    sock.send({ type: 'task_failed', task_id: id, generation: 1 });
    await sock.next(ofType('task_ack', id));
    expect((await sock.next(ofType('task_assign'))).task_id).toBe(queued);
  });

  it('trigger: a reclaimed task goes to another idle agent', async () => {
    const { sock, id } = await h.agentWithTask('a1');
    const b = await h.openAgent('b1');
    await sock.kill();
    const assign = await b.next(ofType('task_assign', id));
    expect(assign.generation).toBe(3);
    const task = await h.task(id);
    expect(task).toMatchObject({ status: 'assigned', assigned_to: 'b1', generation: 3 });
    expect(task.history.map((e: { details: unknown }) => e.details)).toContain('agent_disconnect');
  });

  it('trigger: a task retried from the dead letter goes to an idle agent', async () => {
    const { sock, id } = await h.agentWithTask('a1', { max_retries: 0 });
    sock.send({ type: 'task_failed', task_id: id, generation: 1 });
    await sock.next(ofType('task_ack', id));
    expect((await h.http('POST', `/api/tasks/${id}/retry`)).status).toBe(200);
    const assign = await sock.next(ofType('task_assign', id));
    expect(assign.generation).toBe(3);
    await eventually(async () => expect((await h.task(id)).status).toBe('assigned'));
  });
});
