import { describe, expect, it } from 'vitest';
import { FAULT_CATALOGUE, parseFaults, type FaultName } from '../../src/hub/faults/catalogue.js';
import { CoreHarness } from './support/core-harness.js';

/**
 * Each scenario returns what it observed; the correct hub and the hub with
 * the fault must observe different things, and the faulty one what the fault says.
 */
type Scenario = (hub: CoreHarness) => unknown;

/** Faults of the shell, not the core: each has its own test (test/hub/store.test.ts, test/hub/restart-without-listener.test.ts). */
type ShellFault = 'ack-before-persist' | 'restart-without-listener';

const SCENARIOS: Record<Exclude<FaultName, ShellFault>, { timers?: object; run: Scenario; faulty: unknown }> = {
  'no-idle-trigger': {
    run(hub) {
      const conn = hub.join('a');
      const t1 = hub.submit();
      const t2 = hub.submit();
      hub.complete(conn, t1, 1);
      return [hub.task(t2).status, hub.fsm('a')];
    },
    faulty: ['queued', 'idle'],
  },
  'reclaim-keeps-generation': {
    run(hub) {
      const task = hub.submit();
      hub.close(hub.join('a'));
      return hub.task(task).generation;
    },
    faulty: 1,
  },
  'unfenced-complete': {
    run(hub) {
      const conn = hub.join('a');
      const task = hub.submit();
      hub.complete(conn, task, 42);
      return hub.task(task).status;
    },
    faulty: 'completed',
  },
  'any-agent-complete': {
    run(hub) {
      hub.join('a');
      const task = hub.submit();
      hub.complete(hub.join('b'), task, 1);
      return hub.task(task).status;
    },
    faulty: 'completed',
  },
  'no-reclaim-on-disconnect': {
    run(hub) {
      const conn = hub.join('a');
      const task = hub.submit();
      hub.close(conn);
      return hub.task(task).status;
    },
    faulty: 'assigned',
  },
  'no-acceptance-timeout': {
    timers: { acceptanceMs: 100 },
    run(hub) {
      hub.join('a');
      const task = hub.submit();
      hub.advance(1_000);
      return hub.task(task).generation;
    },
    faulty: 1,
  },
  'retry-off-by-one': {
    run(hub) {
      const conn = hub.join('a');
      const task = hub.submit({ max_retries: 1 });
      hub.fail(conn, task, 1);
      return hub.task(task).status;
    },
    faulty: 'assigned',
  },
  'priority-lifo': {
    run(hub) {
      const older = hub.submit();
      const newer = hub.submit();
      hub.submit({ priority: 'low' });
      const first = hub.assignments(hub.join('a'))[0]?.task_id;
      return first === newer ? 'newer' : first === older ? 'older' : 'other';
    },
    faulty: 'newer',
  },
  'priority-ignored': {
    run(hub) {
      const low = hub.submit({ priority: 'low' });
      hub.submit({ priority: 'urgent' });
      return hub.assignments(hub.join('a'))[0]?.task_id === low;
    },
    faulty: true,
  },
  'capability-any': {
    run(hub) {
      const task = hub.submit({ needed_capabilities: ['gpu', 'rust'] });
      hub.join('a', ['gpu']);
      const general = hub.submit();
      return [hub.task(task).status, hub.task(general).status];
    },
    faulty: ['assigned', 'queued'],
  },
  'double-assign': {
    timers: { acceptanceMs: 100 },
    run(hub) {
      const a = hub.join('a');
      const task = hub.submit();
      const b = hub.join('b', ['late']);
      hub.advance(100);
      const holder = hub.task(task).assigned_to;
      hub.complete(a, task, 1);
      return [holder, hub.lastFrame(a), hub.assignments(b).length];
    },
    faulty: ['b', { type: 'task_ack', task_id: 'task-0000000000000001', status: 'complete' }, 1],
  },
  'stale-session-on-reconnect': {
    run(hub) {
      const old = hub.join('a');
      const fresh = hub.join('a');
      hub.submit();
      return [hub.closes().length, hub.assignments(old).length, hub.assignments(fresh).length];
    },
    faulty: [0, 1, 0],
  },
  'dead-letter-retry-keeps-generation': {
    run(hub) {
      const conn = hub.join('a');
      const task = hub.submit({ max_retries: 0 });
      hub.fail(conn, task, 1);
      hub.close(conn);
      hub.http('POST', `/api/tasks/${task}/retry`);
      return hub.task(task).generation;
    },
    faulty: 1,
  },
  'stats-miscount': {
    run(hub) {
      const conn = hub.join('a');
      const task = hub.submit({ max_retries: 0 });
      hub.fail(conn, task, 1);
      hub.close(conn);
      hub.http('POST', `/api/tasks/${task}/retry`);
      return hub.http('GET', '/api/tasks/stats').body.by_status;
    },
    faulty: { queued: 2 },
  },
  'complete-check-then-act': {
    run(hub) {
      const a = hub.join('a');
      const b = hub.join('b');
      const task = hub.submit();
      const checked = hub.complete(a, task, 1);
      // Between the check and the write: a's socket goes, the task is reclaimed and pushed to b afresh.
      hub.close(a);
      hub.followUps(checked);
      return [hub.task(task).status, hub.task(task).generation, hub.assignments(b).length];
    },
    faulty: ['completed', 3, 1],
  },
  'priority-unchecked': {
    run(hub) {
      return hub.http('POST', '/api/tasks', { description: 'x', priority: 1 }).status;
    },
    faulty: 201,
  },
  'capabilities-unchecked': {
    run(hub) {
      const { status } = hub.http('POST', '/api/tasks', { description: 'x', needed_capabilities: 'gpu' });
      let scheduling = 'fine';
      try {
        hub.join('a');
      } catch {
        scheduling = 'throws';
      }
      return [status, scheduling];
    },
    faulty: [201, 'throws'],
  },
  'invalid-json-framework-body': {
    run(hub) {
      const request = { method: 'POST', target: '/api/tasks', authorization: `Bearer ${hub.adminToken}`, contentType: 'application/json', body: '{"description":' };
      return hub.event({ type: 'http', reqId: 0, request }).flatMap((effect) => (effect.type === 'reply' ? [effect.status, effect.body] : []));
    },
    faulty: [400, { errors: { detail: 'Bad Request' } }],
  },
  'restart-chokes-on-metadata': {
    run(hub) {
      hub.submit({ metadata: { hostile: true } });
      const snapshot = { tasks: [...hub.state.tasks.values()], tokens: [...hub.state.tokens], adminToken: hub.adminToken };
      try {
        return new CoreHarness({ snapshot, faults: [...hub.env.faults] }).state.tasks.size;
      } catch (error) {
        return String(error);
      }
    },
    faulty: 'Error: cannot load a saved task whose metadata holds anything but strings and numbers',
  },
  'result-crashes-socket': {
    run(hub) {
      const conn = hub.join('a');
      const task = hub.submit();
      return hub.closes(hub.complete(conn, task, 1, { result: 'done' })).map((close) => close.code);
    },
    faulty: [1011],
  },
  'fail-report-drops-task': {
    run(hub) {
      const conn = hub.join('a');
      const task = hub.submit();
      const replies = hub.frames(conn, hub.fail(conn, task, 1));
      return [replies, hub.http('GET', `/api/tasks/${task}`).status, hub.fsm('a')];
    },
    faulty: [[], 404, 'idle'],
  },
  'reassign-no-acceptance-timer': {
    timers: { acceptanceMs: 100 },
    run(hub) {
      const conn = hub.join('a');
      const task = hub.submit();
      hub.accept(conn, task);
      hub.close(conn);
      hub.join('b');
      hub.advance(1_000);
      return [hub.task(task).generation, hub.task(task).assigned_to];
    },
    faulty: [3, 'b'],
  },
  'sweep-only-scheduling': {
    run(hub) {
      hub.join('a');
      const task = hub.submit();
      const before = hub.task(task).status;
      hub.advance(1_000);
      return [before, hub.task(task).status];
    },
    faulty: ['queued', 'assigned'],
  },
  'push-to-busy-agent': {
    run(hub) {
      const conn = hub.join('a');
      const first = hub.submit();
      hub.accept(conn, first);
      hub.submit();
      return [hub.assignments(conn).length, hub.task(first).assigned_to];
    },
    faulty: [2, 'a'],
  },
  'progress-crashes-hub': {
    run(hub) {
      const conn = hub.join('a');
      const task = hub.submit();
      return hub.send(conn, { type: 'task_progress', task_id: task, progress: 50 }).map((effect) => effect.type);
    },
    faulty: ['crash'],
  },
  'stall-after-dead-letter': {
    run(hub) {
      const conn = hub.join('a');
      const task = hub.submit({ max_retries: 1 });
      return hub.fail(conn, task, 1).flatMap((effect) => (effect.type === 'stall' ? [effect.ms] : []));
    },
    faulty: [30_000],
  },
};

describe('fault catalogue', () => {
  it('has a one-line description for every fault and rejects unknown names', () => {
    for (const fault of FAULT_CATALOGUE) expect(fault.description).not.toMatch(/\n/);
    expect(() => parseFaults(['double-assign', 'no-such-fault'])).toThrow(/unknown fault "no-such-fault"/);
  });

  it('has a core scenario for every fault but the shell faults (tested on their own)', () => {
    const shellFaults: readonly string[] = ['ack-before-persist', 'restart-without-listener'];
    expect(Object.keys(SCENARIOS).sort()).toEqual(
      FAULT_CATALOGUE.map((fault) => fault.name)
        .filter((name) => !shellFaults.includes(name))
        .sort(),
    );
  });

  it('complete-check-then-act does nothing wrong when its follow-up goes next', () => {
    const observe = (faults: string[]): unknown => {
      const hub = new CoreHarness({ faults });
      const a = hub.join('a');
      const task = hub.submit();
      hub.followUps(hub.complete(a, task, 1));
      return [hub.task(task), hub.frames(a), hub.fsm('a')];
    };
    expect(observe(['complete-check-then-act'])).toEqual(observe([]));
  });

  it.each(Object.entries(SCENARIOS))('%s changes what it names', (name, scenario) => {
    const correct = scenario.run(new CoreHarness({ timers: scenario.timers }));
    const faulty = scenario.run(new CoreHarness({ timers: scenario.timers, faults: [name] }));
    expect(faulty).toEqual(scenario.faulty);
    expect(correct).not.toEqual(faulty);
  });
});
