import { describe, expect, it } from 'vitest';
import { CoreHarness } from './support/core-harness.js';

describe('core: scheduling', () => {
  it('walks queued tasks by priority lane, FIFO inside a lane', () => {
    const hub = new CoreHarness();
    const low = hub.submit({ priority: 'low' });
    const normal1 = hub.submit();
    const urgent = hub.submit({ priority: 'urgent' });
    const normal2 = hub.submit({ priority: 'not-a-name' });
    const conns = ['a', 'b', 'c', 'd'].map((id) => hub.join(id));
    expect(conns.map((conn) => hub.assignments(conn)[0]?.task_id)).toEqual([urgent, normal1, normal2, low]);
  });

  it('lists tasks in queue order and hides dead letters from the main table', () => {
    const hub = new CoreHarness();
    const normal = hub.submit();
    const high = hub.submit({ priority: 'high' });
    const doomed = hub.submit({ priority: 'urgent', max_retries: 0 });
    const conn = hub.join('a');
    hub.fail(conn, doomed, 1);
    const listed = hub.http('GET', '/api/tasks').body;
    expect(listed.tasks.map((task: { id: string }) => task.id)).toEqual([high, normal]);
    expect(listed.count).toBe(2);
    expect(hub.http('GET', '/api/tasks/dead-letter').body.tasks[0].id).toBe(doomed);
    expect(hub.http('GET', `/api/tasks/${doomed}`).body.status).toBe('dead_letter');
  });

  it('gives a task only to an agent with every needed capability; capabilities match as strings', () => {
    const hub = new CoreHarness();
    const task = hub.submit({ needed_capabilities: ['gpu', 'rust'] });
    const partial = hub.join('partial', ['gpu']);
    expect(hub.assignments(partial)).toEqual([]);
    const full = hub.join('full', [{ name: 'gpu' }, 'rust', 42]);
    expect(hub.assignments(full).map((frame) => frame.task_id)).toEqual([task]);
    expect(hub.state.agents.get('full')?.capabilities).toEqual(['gpu', 'rust']);
  });

  it('offers tasks to idle agents in join order, at most one task per agent', () => {
    const hub = new CoreHarness();
    const first = hub.join('first');
    const second = hub.join('second');
    const t1 = hub.submit();
    const t2 = hub.submit();
    const t3 = hub.submit();
    expect(hub.assignments(first).map((frame) => frame.task_id)).toEqual([t1]);
    expect(hub.assignments(second).map((frame) => frame.task_id)).toEqual([t2]);
    expect(hub.task(t3).status).toBe('queued');
  });

  it('pushes task_assign with the new generation and assigned_at, after persisting the assignment', () => {
    const hub = new CoreHarness();
    const conn = hub.join('a');
    const effects = hub.http('POST', '/api/tasks', { description: 'x', metadata: { k: 1 } }) && hub.effects.slice(-10);
    const assign = hub.assignments(conn)[0];
    expect(assign).toMatchObject({ type: 'task_assign', description: 'x', metadata: { k: 1 }, generation: 1, assigned_at: hub.now });
    const persistIndex = effects.findIndex((effect) => effect.type === 'persist');
    const sendIndex = effects.findIndex((effect) => effect.type === 'send');
    expect(persistIndex).toBeGreaterThanOrEqual(0);
    expect(persistIndex).toBeLessThan(sendIndex);
  });

  it('on a complete ack: task completed, agent idle, then one pass hands it the next task', () => {
    const hub = new CoreHarness();
    const conn = hub.join('a');
    const t1 = hub.submit();
    const t2 = hub.submit();
    hub.accept(conn, t1);
    const effects = hub.complete(conn, t1, 1);
    expect(hub.frames(conn, effects).map((frame) => frame.type)).toEqual(['task_ack', 'task_assign']);
    expect(hub.task(t1)).toMatchObject({ status: 'completed', assigned_to: 'a', result: {} });
    expect(hub.task(t2)).toMatchObject({ status: 'assigned', assigned_to: 'a', generation: 1 });
  });

  it('an agent that fails its task becomes idle and gets the next one, whether or not it accepted', () => {
    const hub = new CoreHarness();
    const conn = hub.join('a');
    const t1 = hub.submit({ priority: 'urgent' });
    const t2 = hub.submit();
    hub.fail(conn, t1, 1, { error: 'boom' });
    expect(hub.task(t1)).toMatchObject({ status: 'assigned', generation: 3, retry_count: 1, last_error: 'boom' });
    expect(hub.frames(conn).at(-2)).toEqual({ type: 'task_ack', task_id: t1, status: 'retried' });
    expect(hub.lastFrame(conn)).toMatchObject({ type: 'task_assign', task_id: t1, generation: 3 });
    expect(hub.task(t2).status).toBe('queued');
  });

  it('shows fsm_state unknown until the first transition, then assigned, working, idle', () => {
    const hub = new CoreHarness();
    const conn = hub.join('a');
    expect(hub.fsm('a')).toBe('unknown');
    const task = hub.submit();
    expect(hub.fsm('a')).toBe('assigned');
    hub.accept(conn, task);
    expect(hub.fsm('a')).toBe('working');
    expect(hub.http('GET', '/api/agents/states').body.agents[0]).toMatchObject({ current_task_id: task, flags: [] });
    hub.complete(conn, task, 1);
    expect(hub.fsm('a')).toBe('idle');
  });
});
