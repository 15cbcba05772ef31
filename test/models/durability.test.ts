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
