import { describe, expect, it } from 'vitest';
import { HistoryBuilder } from './support/history-builder.js';
import { violationsOf } from './support/check.js';
import { cleanRun } from './support/scenarios.js';

const I3 = (h: HistoryBuilder) => violationsOf(h.build(), 'I3');

function assigned(): { h: HistoryBuilder; a1: number; a2: number; task: string } {
  const h = new HistoryBuilder();
  const a1 = h.connect('a1');
  const a2 = h.connect('a2');
  const task = h.at(10).submit();
  h.at(11).assign(a1, task);
  return { h, a1, a2, task };
}

describe('I3 fencing', () => {
  it('holds for a correct run and for every deliberate stale report rejected', () => {
    expect(I3(cleanRun().h)).toEqual([]);
    const { h, a1, a2, task } = assigned();
    for (const generation of [0, 2, '1', undefined]) h.complete(a1, task, { generation });
    h.fail(a1, task, { generation: 0 });
    h.complete(a2, task);
    h.accept(a2, task);
    h.complete(a1, task, { result: 'not an object', reply: 'task_complete_failed: invalid_result' });
    expect(I3(h)).toEqual([]);
  });

  it('holds when a completion racing a reclaim is rejected as stale', () => {
    const { h, a1, a2, task } = assigned();
    h.at(1_600).reclaim(task).assign(a2, task);
    h.at(1_601).complete(a1, task, { generation: 1 });
    h.at(1_610).complete(a2, task);
    expect(I3(h)).toEqual([]);
  });

  it('holds for a completion sent while its push was still in flight, then acknowledged', () => {
    const h = new HistoryBuilder();
    const a1 = h.connect('a1');
    const task = h.at(10).submit();
    h.at(11).send(a1, { type: 'task_complete', task_id: task, generation: 1, result: {} });
    h.at(12).assign(a1, task);
    h.at(13).recv(a1, { type: 'task_ack', task_id: task, status: 'complete' });
    expect(I3(h)).toEqual([]);
  });

  it('flags a stale completion that was acknowledged', () => {
    const { h, a1, a2, task } = assigned();
    h.at(1_600).reclaim(task).assign(a2, task);
    const stale = h.at(1_601).complete(a1, task, { generation: 1, reply: 'ack' });
    const [v, ...rest] = I3(h);
    expect(rest).toEqual([]);
    expect(v?.message).toBe(`task ${task}: acknowledged completion by a1 carried generation 1 while generation 3 was pushed to a2`);
    expect(v?.evidence).toContain(stale);
  });

  it('flags a string generation that was acknowledged', () => {
    const { h, a1, task } = assigned();
    h.fail(a1, task, { generation: '1', reply: 'ack' });
    expect(I3(h).map((v) => v.message)).toEqual([`task ${task}: acknowledged failure by a1 carried generation "1", not an integer`]);
  });

  it("flags another agent's completion that was acknowledged", () => {
    const { h, a2, task } = assigned();
    h.complete(a2, task, { generation: 1, reply: 'ack' });
    expect(I3(h).map((v) => v.message)).toEqual([`task ${task}: acknowledged completion by a2 came from a2, which was never pushed the task`]);
  });

  it('flags a rejection outside the contract strings', () => {
    const { h, a1, task } = assigned();
    const send = h.complete(a1, task, { generation: 9, reply: 'task_complete_failed: nope' });
    expect(I3(h)).toEqual([expect.objectContaining({ invariant: 'I3', evidence: [send, send + 1] })]);
  });

  it('accepts invalid_json for a frame with a lone surrogate, which a strict parser refuses, and only for such a frame', () => {
    const { h, a1, task } = assigned();
    h.send(a1, { type: 'task_complete', task_id: task, generation: 1, result: { note: '\ud800' } });
    h.recv(a1, { type: 'error', error: 'invalid_json' });
    expect(I3(h)).toEqual([]);
    const plain = h.send(a1, { type: 'task_complete', task_id: task, generation: 1, result: { note: 'fine' } });
    const reply = h.recv(a1, { type: 'error', error: 'invalid_json' });
    expect(I3(h).map((v) => [v.kind, v.evidence])).toEqual([['non-contract-error', [plain, reply]]]);
  });
});
