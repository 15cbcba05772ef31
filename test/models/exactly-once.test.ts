import { describe, expect, it } from 'vitest';
import { HistoryBuilder } from './support/history-builder.js';
import { violationsOf } from './support/check.js';
import { cleanRun } from './support/scenarios.js';

const I1 = (h: HistoryBuilder) => violationsOf(h.build(), 'I1');

describe('I1 exactly once', () => {
  it('holds for a completed and a dead-lettered task', () => {
    expect(I1(cleanRun().h)).toEqual([]);
  });

  it('flags a task acknowledged complete twice', () => {
    const h = new HistoryBuilder();
    const a1 = h.connect('a1');
    const task = h.at(10).submit();
    h.at(11).assign(a1, task);
    const first = h.at(20).complete(a1, task);
    const second = h.at(21).complete(a1, task, { generation: 1, reply: 'ack' });
    h.at(30).snapshot();
    const [v, ...rest] = I1(h);
    expect(rest).toEqual([]);
    expect(v).toMatchObject({ invariant: 'I1', name: 'exactly-once' });
    expect(v?.message).toContain('acknowledged complete 2 times');
    expect(v?.evidence).toEqual(expect.arrayContaining([first, second]));
  });

  it('flags a task still assigned after quiesce, naming its last status', () => {
    const h = new HistoryBuilder();
    const a1 = h.connect('a1');
    const task = h.at(10).submit();
    h.at(11).assign(a1, task);
    h.at(30).snapshot();
    expect(I1(h).map((v) => v.message)).toEqual([`task ${task} is not terminal after quiesce: last seen assigned to a1 at generation 1`]);
  });

  it('flags a task missing from both final lists', () => {
    const h = new HistoryBuilder();
    const task = h.at(10).submit();
    h.at(30).phase('snapshot');
    h.listTasks([]);
    h.listDeadLetter([]);
    expect(I1(h).map((v) => v.message)).toEqual([`task ${task} is in neither the final task list nor the dead-letter list`]);
  });

  it('flags a dead letter after too few failures', () => {
    const h = new HistoryBuilder();
    const a1 = h.connect('a1');
    const task = h.at(10).submit({ maxRetries: 3 });
    h.at(11).assign(a1, task);
    h.at(12).fail(a1, task);
    h.at(13).assign(a1, task);
    h.send(a1, { type: 'task_failed', task_id: task, generation: 3 });
    h.recv(a1, { type: 'task_ack', task_id: task, status: 'dead_letter' });
    h.at(30).phase('snapshot');
    h.listTasks([]);
    h.listDeadLetter([h.view(task, { status: 'dead_letter' })]);
    const messages = I1(h).map((v) => v.message);
    expect(messages).toEqual([expect.stringContaining('dead-lettered (generation 3) after 2 accepted failures; expected max(1, max_retries=3) = 3')]);
  });

  it('holds for max_retries 0: one failure dead-letters', () => {
    const h = new HistoryBuilder();
    const a1 = h.connect('a1');
    const task = h.at(10).submit({ maxRetries: 0 });
    h.at(11).assign(a1, task);
    h.at(12).fail(a1, task);
    h.at(30).snapshot();
    expect(I1(h)).toEqual([]);
  });

  it('flags max_retries 0 requeued after a failure', () => {
    const h = new HistoryBuilder();
    const a1 = h.connect('a1');
    const task = h.at(10).submit({ maxRetries: 0 });
    h.at(11).assign(a1, task);
    const fail = h.at(12).send(a1, { type: 'task_failed', task_id: task, generation: 1 });
    h.recv(a1, { type: 'task_ack', task_id: task, status: 'retried' });
    expect(I1(h)).toEqual([expect.objectContaining({ invariant: 'I1', evidence: expect.arrayContaining([fail]) })]);
  });

  it('counts failures afresh after a retry from dead letter', () => {
    const h = new HistoryBuilder();
    const a1 = h.connect('a1');
    const task = h.at(10).submit({ maxRetries: 1 });
    h.at(11).assign(a1, task);
    h.at(12).fail(a1, task);
    h.at(20).retry(task);
    h.at(21).assign(a1, task);
    h.at(22).fail(a1, task);
    h.at(30).snapshot();
    expect(I1(h)).toEqual([]);
  });

  it('holds when the first dead letter was unacknowledged (socket killed) and the task was retried', () => {
    const h = new HistoryBuilder();
    const a1 = h.connect('a1');
    const task = h.at(10).submit({ maxRetries: 0 });
    h.at(11).assign(a1, task);
    h.at(12).fail(a1, task, { reply: 'none' });
    h.at(13).close(a1, 'client_kill');
    h.at(20).retry(task);
    const a2 = h.at(21).connect('a1');
    h.at(22).assign(a2, task);
    h.at(23).fail(a2, task);
    h.at(30).snapshot();
    expect(I1(h)).toEqual([]);
  });

  it('accepts a completion whose ack was lost when the socket died', () => {
    const h = new HistoryBuilder();
    const a1 = h.connect('a1');
    const task = h.at(10).submit();
    h.at(11).assign(a1, task);
    h.at(12).complete(a1, task, { reply: 'none' });
    h.close(a1, 'client_kill');
    h.at(30).phase('snapshot');
    h.listTasks([h.view(task, { status: 'completed' })]);
    h.listDeadLetter([]);
    expect(I1(h)).toEqual([]);
  });

  /** A failure left unanswered on a socket that stays open, then final listings at `snapshotAt` that show the task nowhere. */
  function vanishedAfterSilentFailure(snapshotAt: number): HistoryBuilder {
    const h = new HistoryBuilder();
    const a1 = h.at(0).connect('a1');
    const task = h.at(10).submit();
    h.assign(a1, task);
    h.accept(a1, task);
    h.at(20).fail(a1, task, { reply: 'none' });
    h.at(snapshotAt).phase('snapshot');
    h.listTasks([]);
    h.listDeadLetter([]);
    return h;
  }

  it('flags a task lost after a failure the hub never answered on a socket that stayed open', () => {
    const h = vanishedAfterSilentFailure(3_000);
    expect(I1(h).map((v) => v.kind)).toEqual(['lost']);
    expect(violationsOf(h.build(), 'I10').map((v) => v.kind)).toEqual(['unanswered-frame']);
  });

  it('holds when the listings were taken while an unanswered failure could still be in flight', () => {
    expect(I1(vanishedAfterSilentFailure(1_000))).toEqual([]);
  });
});
