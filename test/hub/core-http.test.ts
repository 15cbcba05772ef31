import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { addTimerOptions, TIMER_FLAGS, timersFromOptions } from '../../src/hub/timer-flags.js';
import { AGENTCOM_TIMERS } from '../../src/hub/types.js';
import { CoreHarness } from './support/core-harness.js';

describe('core: HTTP', () => {
  it.each([
    [{ description: '' }, 'description'],
    [{ description: 3 }, 'description'],
    [{ description: 'x', priority: 0 }, 'priority'],
    [{ description: 'x', max_retries: 101 }, 'max_retries'],
    [{ description: 'x', max_retries: 1.5 }, 'max_retries'],
    [{ description: 'x', complete_by: '5' }, 'complete_by'],
    [{ description: 'x', needed_capabilities: ['a', 1] }, 'needed_capabilities'],
    [{ description: 'x', metadata: [] }, 'metadata'],
  ])('POST /api/tasks %j is 400 invalid_field %s', (body, field) => {
    const hub = new CoreHarness();
    expect(hub.http('POST', '/api/tasks', body)).toEqual({ status: 400, body: { error: 'invalid_field', field } });
    expect(hub.state.tasks.size).toBe(0);
  });

  it('takes a missing description or a non-object body as missing description', () => {
    const hub = new CoreHarness();
    for (const body of [{}, { description: null }, [], 'text', 5]) {
      expect(hub.http('POST', '/api/tasks', body).body).toEqual({ error: 'missing required field: description' });
    }
  });

  it('answers 404 for unknown routes and methods, 401 without a valid token, 415 and 400 for bad bodies', () => {
    const hub = new CoreHarness();
    expect(hub.http('GET', '/nope').status).toBe(404);
    expect(hub.http('PUT', '/api/tasks').body).toEqual({ error: 'not_found' });
    expect(hub.http('GET', '/api/tasks/').status).toBe(404);
    expect(hub.http('GET', '/api/tasks', undefined, null).status).toBe(401);
    expect(hub.http('GET', '/api/tasks', undefined, 'f'.repeat(64)).body.error).toBe('unauthorized');
    expect(hub.http('GET', '/health', undefined, null).status).toBe(200);
    const raw = (contentType: string | undefined, body: string) =>
      hub.event({
        type: 'http',
        reqId: 99,
        request: { method: 'POST', target: '/api/tasks', authorization: `Bearer ${hub.adminToken}`, contentType, body },
      }).find((effect) => effect.type === 'reply');
    expect(raw('text/plain', '{"description":"x"}')).toMatchObject({ status: 415 });
    expect(raw('application/json', '{"description":')).toMatchObject({ status: 400, body: { error: 'invalid_json' } });
    expect(raw('application/json; charset=utf-8', '{"description":"x"}')).toMatchObject({ status: 201 });
  });

  it('filters the task list by status, priority name and assignee, ignoring unknown values', () => {
    const hub = new CoreHarness();
    const urgent = hub.submit({ priority: 'urgent' });
    const normal = hub.submit();
    hub.join('a');
    const ids = (target: string) => hub.http('GET', target).body.tasks.map((task: { id: string }) => task.id);
    expect(ids('/api/tasks?status=queued')).toEqual([normal]);
    expect(ids('/api/tasks?assigned_to=a')).toEqual([urgent]);
    expect(ids('/api/tasks?priority=normal')).toEqual([normal]);
    expect(ids('/api/tasks?priority=2&status=bogus')).toEqual([urgent, normal]);
    expect(hub.http('GET', '/api/tasks/stats').body).toEqual({
      by_status: { assigned: 1, queued: 1 },
      by_priority: { '0': 1, '2': 1 },
      dead_letter: 0,
      queued_index_size: 1,
    });
  });

  it('issues, lists (prefixes only) and revokes tokens', () => {
    const hub = new CoreHarness();
    const first = hub.token('x');
    hub.token('x');
    expect(hub.http('POST', '/admin/tokens', {}).status).toBe(400);
    const listed = hub.http('GET', '/admin/tokens').body.tokens;
    expect(listed).toContainEqual({ agent_id: 'x', token_prefix: first.slice(0, 8) });
    expect(JSON.stringify(listed)).not.toContain(first);
    expect(hub.http('DELETE', '/admin/tokens/x').body).toEqual({ status: 'revoked', agent_id: 'x', count: 2 });
    expect(hub.http('GET', '/api/tasks', undefined, first).status).toBe(401);
  });

  it('retries only dead-letter tasks', () => {
    const hub = new CoreHarness();
    const task = hub.submit();
    expect(hub.http('POST', `/api/tasks/${task}/retry`)).toEqual({ status: 404, body: { error: 'task_not_found', task_id: task } });
  });
});

describe('timer flags', () => {
  it('map one flag to each TimerSettings key, with defaults', () => {
    expect(TIMER_FLAGS.map((entry) => entry.key).sort()).toEqual(Object.keys(AGENTCOM_TIMERS).sort());
    const command = addTimerOptions(new Command().exitOverride()).parse(['--acceptance-ms', '250', '--ws-idle-ms', '900'], {
      from: 'user',
    });
    expect(timersFromOptions(command.opts())).toEqual({ ...AGENTCOM_TIMERS, acceptanceMs: 250, wsIdleMs: 900 });
  });

  it('refuse a timer that is not a positive integer', () => {
    const command = addTimerOptions(new Command().exitOverride().configureOutput({ writeErr: () => undefined }));
    expect(() => command.parse(['--stuck-sweep-ms', '0'], { from: 'user' })).toThrow(/positive integer/);
  });
});
