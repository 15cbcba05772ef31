import { describe, expect, it } from 'vitest';
import { CoreHarness } from './support/core-harness.js';

function assigned(options?: ConstructorParameters<typeof CoreHarness>[0]) {
  const hub = new CoreHarness(options);
  const conn = hub.join('a');
  const task = hub.submit();
  return { hub, conn, task };
}

describe('core: generations and fencing', () => {
  it('counts generations: submit 0, assign +1, reclaim +1, fail-and-requeue +1, retry from dead letter +1', () => {
    const hub = new CoreHarness({ timers: { acceptanceMs: 100 } });
    const task = hub.submit({ max_retries: 2 });
    expect(hub.task(task).generation).toBe(0);
    const conn = hub.join('a');
    expect(hub.task(task).generation).toBe(1);
    hub.close(conn);
    expect(hub.task(task)).toMatchObject({ status: 'queued', generation: 2, assigned_to: null });
    const again = hub.join('b');
    expect(hub.task(task).generation).toBe(3);
    hub.fail(again, task, 3);
    expect(hub.task(task).generation).toBe(5);
    hub.fail(again, task, 5);
    expect(hub.task(task)).toMatchObject({ status: 'dead_letter', generation: 5, retry_count: 2 });
    hub.close(again);
    expect(hub.http('POST', `/api/tasks/${task}/retry`).body).toEqual({ status: 'requeued', task_id: task, priority: 2 });
    expect(hub.task(task)).toMatchObject({ status: 'queued', generation: 6, retry_count: 0 });
  });

  it.each([
    ['missing', undefined],
    ['0', 0],
    ['the string "1"', '1'],
    ['an older one', 7],
    ['a float', 1.5],
  ])('task_complete with generation %s is stale_generation and changes nothing', (_label, generation) => {
    const { hub, conn, task } = assigned();
    hub.complete(conn, task, generation);
    expect(hub.lastFrame(conn)).toEqual({ type: 'error', error: 'task_complete_failed: stale_generation' });
    expect(hub.task(task).status).toBe('assigned');
  });

  it('only the assignee may accept, complete or fail', () => {
    const { hub, task } = assigned();
    const other = hub.join('b');
    hub.accept(other, task);
    hub.complete(other, task, 1);
    hub.fail(other, task, 1);
    expect(hub.frames(other).slice(-3).map((frame) => frame.error)).toEqual([
      'task_accept_failed: not_assignee',
      'task_complete_failed: not_assignee',
      'task_fail_failed: not_assignee',
    ]);
    expect(hub.task(task)).toMatchObject({ status: 'assigned', assigned_to: 'a', retry_count: 0 });
  });

  it('answers not_found for unknown and dead-lettered tasks, invalid_state for tasks not assigned', () => {
    const hub = new CoreHarness();
    const doomed = hub.submit({ max_retries: 0 });
    const conn = hub.join('a');
    hub.fail(conn, doomed, 1);
    const queued = hub.submit({ needed_capabilities: ['none-has-it'] });
    hub.accept(conn, 'task-nope');
    hub.accept(conn, doomed);
    hub.accept(conn, queued);
    hub.complete(conn, doomed, 1);
    hub.fail(conn, queued, 0);
    expect(hub.frames(conn).slice(-5).map((frame) => frame.error)).toEqual([
      'task_accept_failed: not_found',
      'task_accept_failed: not_found',
      'task_accept_failed: invalid_state',
      'task_complete_failed: not_found',
      'task_fail_failed: invalid_state',
    ]);
  });

  it('refuses a result that is not an object', () => {
    const { hub, conn, task } = assigned();
    hub.complete(conn, task, 1, { result: [1] });
    expect(hub.lastFrame(conn)).toEqual({ type: 'error', error: 'task_complete_failed: invalid_result' });
    hub.complete(conn, task, 1, { result: { ok: true }, tokens_used: 12 });
    expect(hub.task(task)).toMatchObject({ status: 'completed', result: { ok: true }, tokens_used: 12 });
    expect(hub.task(task).history[0]).toEqual({ event: 'completed', timestamp: hub.now, details: { tokens_used: 12 } });
  });

  it('fails to the dead letter when retry_count reaches max_retries (max_retries 0: at once)', () => {
    const { hub, conn, task } = assigned();
    for (const generation of [1, 3]) {
      hub.fail(conn, task, generation);
      expect(hub.lastFrame(conn)).toMatchObject({ type: 'task_assign', generation: generation + 2 });
    }
    hub.fail(conn, task, 5, { reason: 'third' });
    expect(hub.frames(conn).at(-1)).toEqual({ type: 'task_ack', task_id: task, status: 'dead_letter' });
    expect(hub.task(task)).toMatchObject({ status: 'dead_letter', retry_count: 3, last_error: 'third' });
  });

  it('an acceptance timeout reclaims only the assignment it was set for', () => {
    const hub = new CoreHarness({ timers: { acceptanceMs: 1_000 } });
    const conn = hub.join('a');
    const task = hub.submit();
    hub.advance(999);
    expect(hub.task(task).status).toBe('assigned');
    hub.advance(1);
    // Reclaimed (generation 2), flagged, and at once reassigned to the only idle agent (generation 3).
    expect(hub.task(task)).toMatchObject({ status: 'assigned', generation: 3 });
    expect(hub.task(task).history.slice(0, 2).map((entry) => entry.details)).toEqual([
      { agent_id: 'a', generation: 3 },
      'agent_disconnect',
    ]);
    expect(hub.http('GET', '/api/agents/states').body.agents[0].flags).toEqual(['unresponsive']);
    hub.accept(conn, task);
    hub.advance(5_000);
    expect(hub.task(task)).toMatchObject({ status: 'assigned', generation: 3 });
  });

  it('an accepted task is not reclaimed by the acceptance timer', () => {
    const { hub, conn, task } = assigned({ timers: { acceptanceMs: 100 } });
    hub.accept(conn, task);
    hub.advance(1_000);
    expect(hub.task(task)).toMatchObject({ status: 'assigned', generation: 1 });
  });

  it('a sweep reclaims at most once per assignment, even when it reassigns during the sweep', () => {
    const hub = new CoreHarness({ timers: { overdueSweepMs: 100, acceptanceMs: 60_000 } });
    const a = hub.join('a');
    const b = hub.join('b');
    const t1 = hub.submit({ complete_by: hub.now + 50 });
    const t2 = hub.submit({ complete_by: hub.now + 50 });
    hub.accept(a, t1);
    hub.accept(b, t2);
    hub.advance(100);
    expect(hub.task(t1).history.filter((entry) => entry.details === 'overdue')).toHaveLength(1);
    expect(hub.task(t2).history.filter((entry) => entry.details === 'overdue')).toHaveLength(1);
    expect(hub.task(t1).generation).toBe(3);
  });

  it('task_recovering: task_continue to the assignee, task_reassign to anyone else', () => {
    const { hub, conn, task } = assigned();
    const other = hub.join('b');
    hub.send(conn, { type: 'task_recovering', task_id: task });
    hub.send(other, { type: 'task_recovering', task_id: task });
    expect(hub.lastFrame(conn)).toEqual({ type: 'task_continue', task_id: task, generation: 1 });
    expect(hub.lastFrame(other)).toEqual({ type: 'task_reassign', task_id: task });
  });

  it('task_progress and task_accepted from the assignee refresh updated_at; from others nothing', () => {
    const { hub, conn, task } = assigned();
    const other = hub.join('b');
    hub.now += 10;
    hub.send(other, { type: 'task_progress', task_id: task, progress: 5 });
    expect(hub.task(task).updated_at).toBe(hub.now - 10);
    expect(hub.frames(other).at(-1)?.type).toBe('identified');
    hub.send(conn, { type: 'task_progress', task_id: task });
    expect(hub.task(task).updated_at).toBe(hub.now);
    hub.now += 10;
    hub.accept(conn, task);
    expect(hub.task(task).updated_at).toBe(hub.now);
  });
});
