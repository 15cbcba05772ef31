import { describe, expect, it } from 'vitest';
import { HistoryBuilder } from './support/history-builder.js';
import { violationsOf } from './support/check.js';
import { cleanRun } from './support/scenarios.js';

const I9 = (h: HistoryBuilder) => violationsOf(h.build(), 'I9');

function completedThenRestart(): { h: HistoryBuilder; task: string; ack: number } {
  const h = new HistoryBuilder();
  const a1 = h.at(0).connect('a1');
  const task = h.at(10).submit();
  h.assign(a1, task);
  const ack = h.at(20).complete(a1, task) + 1;
  h.at(30).hub('restart_begin', true);
  h.at(40).hub('restart_end');
  return { h, task, ack };
}

describe('I9 durability', () => {
  it('holds for a correct run, and across a restart that kept everything', () => {
    expect(I9(cleanRun().h)).toEqual([]);
    const { h, task } = completedThenRestart();
    h.at(50).getTask(task);
    h.listTasks();
    h.listDeadLetter();
    expect(I9(h)).toEqual([]);
  });

  it('flags a completion undone by a crash', () => {
    const { h, task, ack } = completedThenRestart();
    const view = h.at(50).getTask(task, h.view(task, { status: 'assigned' }));
    expect(I9(h)).toEqual([
      {
        invariant: 'I9',
        kind: 'terminal-undone',
        name: 'durability',
        message: `task ${task} was acknowledged completed at t=20ms but a view requested at t=49ms shows assigned`,
        evidence: [ack - 1, ack, view],
      },
    ]);
  });

  it('flags a generation that went back after a restart', () => {
    const h = new HistoryBuilder();
    const a1 = h.at(0).connect('a1');
    const task = h.at(10).submit();
    h.assign(a1, task);
    h.at(30).hub('restart_begin', true);
    h.at(40).hub('restart_end');
    h.at(50).getTask(task, h.view(task, { status: 'queued', generation: 0, assigned_to: null }));
    expect(I9(h).map((v) => v.message)).toEqual([
      `a view of task ${task} requested at t=49ms shows generation 0, below generation 1 acknowledged at t=10ms`,
    ]);
  });

  it('takes no generation from a report acknowledged at a generation never pushed: that broke the fence (I3), nothing went back', () => {
    const h = new HistoryBuilder();
    const a1 = h.at(0).connect('a1');
    const task = h.at(10).submit();
    h.assign(a1, task);
    h.at(20).complete(a1, task, { generation: 2, reply: 'ack' });
    h.at(30).getTask(task, h.view(task, { status: 'completed', generation: 1 }));
    expect(I9(h)).toEqual([]);
    expect(violationsOf(h.build(), 'I3').map((v) => v.kind)).toEqual(['stale-report']);
  });

  it('flags a task lost after its 201', () => {
    const h = new HistoryBuilder();
    const task = h.at(10).submit();
    h.at(20).http('GET', `/api/tasks/${task}`, 404, { error: 'task_not_found', task_id: task });
    h.at(30).listTasks([]);
    h.listDeadLetter([]);
    expect(I9(h).map((v) => v.message)).toEqual([expect.stringContaining('answered 404 after its 201')]);
  });

  it('flags a task missing from both listings', () => {
    const h = new HistoryBuilder();
    const task = h.at(10).submit();
    h.at(30).listTasks([]);
    h.listDeadLetter([]);
    expect(I9(h).map((v) => v.message)).toEqual([expect.stringContaining(`task ${task}, created at t=10ms, is missing from both`)]);
  });

  it('holds when a failure in flight moves the task between the two listings', () => {
    const h = new HistoryBuilder();
    const a1 = h.at(0).connect('a1');
    const task = h.at(10).submit({ maxRetries: 1 });
    h.assign(a1, task);
    h.at(30).listDeadLetter();
    h.fail(a1, task);
    h.listTasks([]);
    expect(I9(h)).toEqual([]);
  });
});

/**
 * What one life of the hub acknowledged and a later life contradicts is a
 * change lost across the restart: one durability finding (I9), not a
 * second holder (I2), a foreign report (I3) or a second completion (I1).
 */
describe('I9 judges what a restart forgot, not the rules it then seems to break', () => {
  const bucketsOf = (h: HistoryBuilder, invariants: string[]): string[] =>
    invariants.flatMap((invariant) => violationsOf(h.build(), invariant).map((v) => `${v.invariant}/${v.kind}`));

  function assignedThen(restart: boolean): { h: HistoryBuilder; task: string; a1: number } {
    const h = new HistoryBuilder();
    const a1 = h.at(0).connect('a1');
    const task = h.at(10).submit();
    h.assign(a1, task);
    if (restart) {
      h.at(30).hub('restart_begin', true);
      h.at(40).hub('restart_end');
    }
    return { h, task, a1 };
  }

  it('an assignment pushed again at its generation after a restart regressed the generation', () => {
    const { h, task } = assignedThen(true);
    const a2 = h.at(50).connect('a2');
    h.assign(a2, task, 1);
    h.at(60).complete(a2, task);
    expect(bucketsOf(h, ['I2', 'I3', 'I9'])).toEqual(['I9/generation-regressed']);
    expect(violationsOf(h.build(), 'I9')[0]?.message).toBe(
      `task ${task} was pushed to a2 at generation 1 at t=50ms, after a restart, though generation 1 had been acknowledged before it at t=10ms`,
    );
  });

  it('what comes on a connection opened before a restart is the old life, even after the restart', () => {
    const { h, task, a1 } = assignedThen(false);
    h.at(29).send(a1, { type: 'task_recovering', task_id: task });
    h.at(30).hub('restart_begin', false);
    h.at(40).hub('restart_end');
    h.at(45).recv(a1, { type: 'task_continue', task_id: task, generation: 1 });
    expect(bucketsOf(h, ['I2', 'I9'])).toEqual([]);
  });

  it('the same pushes in one life of the hub are two holders and a foreign report', () => {
    const { h, task } = assignedThen(false);
    const a2 = h.at(50).connect('a2');
    h.assign(a2, task, 1);
    h.at(60).complete(a2, task);
    expect(bucketsOf(h, ['I2', 'I3', 'I9'])).toEqual(['I2/two-holders', 'I3/foreign-report']);
  });

  it('a push to the same agent at its generation after a restart is not pushed twice', () => {
    const { h, task } = assignedThen(true);
    const again = h.at(50).connect('a1');
    h.assign(again, task, 1);
    expect(bucketsOf(h, ['I2', 'I9'])).toEqual(['I9/generation-regressed']);
  });

  it('a completion forgotten by a restart, then done again, undid a terminal state', () => {
    const { h, task } = completedThenRestart();
    const a2 = h.at(50).connect('a2');
    h.assign(a2, task, 3);
    h.at(60).complete(a2, task);
    expect(bucketsOf(h, ['I1', 'I3', 'I9'])).toEqual(['I9/terminal-undone']);
    expect(violationsOf(h.build(), 'I9')[0]?.message).toBe(
      `task ${task} was acknowledged completed at t=20ms but after a restart it was pushed to a2 at t=50ms`,
    );
  });

  it('a second completion acknowledged after a restart, with no push between, undid a terminal state', () => {
    const { h, task } = completedThenRestart();
    const again = h.at(50).connect('a1');
    h.complete(again, task, { generation: 1, reply: 'ack' });
    expect(bucketsOf(h, ['I1', 'I9'])).toEqual(['I9/terminal-undone']);
  });

  it('two completions in one life of the hub are completed twice', () => {
    const { h, task, a1 } = assignedThen(false);
    h.at(20).complete(a1, task);
    h.at(50).complete(a1, task, { generation: 1, reply: 'ack' });
    expect(bucketsOf(h, ['I1'])).toEqual(['I1/completed-twice']);
  });
});
