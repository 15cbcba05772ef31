import { describe, expect, it } from 'vitest';
import { HistoryBuilder } from './support/history-builder.js';
import { violationsOf } from './support/check.js';
import { cleanRun } from './support/scenarios.js';

const I8 = (h: HistoryBuilder) => violationsOf(h.build(), 'I8');

function beforeSnapshot(): { h: HistoryBuilder; done: string; dead: string } {
  const { h, done, dead } = cleanRun();
  h.events.splice(h.events.findIndex((e) => e.kind === 'phase' && e.payload.name === 'snapshot'));
  h.at(60).phase('snapshot');
  return { h, done, dead };
}

describe('I8 agreement', () => {
  it('holds for a correct run', () => {
    expect(I8(cleanRun().h)).toEqual([]);
  });

  it('flags a completed task whose result differs from the one sent', () => {
    const { h, done, dead } = beforeSnapshot();
    h.listTasks([h.view(done, { result: { ok: false } })]);
    h.listDeadLetter([h.view(dead)]);
    expect(I8(h).map((v) => v.message)).toEqual([
      `completed task ${done} disagrees with its acknowledged completion: result {"ok":false}, sent {"ok":true}`,
    ]);
  });

  it('flags a dead-letter task in the main list', () => {
    const { h, done, dead } = beforeSnapshot();
    h.listTasks([h.view(done), h.view(dead)]);
    h.listDeadLetter([h.view(dead)]);
    expect(I8(h).map((v) => v.message)).toEqual([
      `the task list shows task ${dead} as dead_letter; dead-letter tasks belong only in the dead-letter list`,
    ]);
  });

  it('flags stats that disagree with the lists', () => {
    const { h } = beforeSnapshot();
    h.listTasks();
    h.listDeadLetter();
    h.http('GET', '/api/tasks/stats', 200, { by_status: { completed: 2 }, dead_letter: 1 });
    expect(I8(h).map((v) => v.message)).toEqual(['stats disagree with the final lists: by_status.completed 2, listed 1']);
  });

  it('flags a connected agent missing from the agent states', () => {
    const { h } = beforeSnapshot();
    h.listTasks();
    h.listDeadLetter();
    h.agentStates([{ agent_id: 'a1', fsm_state: 'idle', current_task_id: null }]);
    expect(I8(h).map((v) => v.message)).toEqual([
      'agent a2 was connected and identified throughout, but is missing from /api/agents/states',
    ]);
  });

  it('flags an agent still holding a completed task', () => {
    const { h, done } = beforeSnapshot();
    h.listTasks();
    h.listDeadLetter();
    h.at(600).agentStates([
      { agent_id: 'a1', fsm_state: 'working', current_task_id: done },
      { agent_id: 'a2', fsm_state: 'idle', current_task_id: null },
    ]);
    expect(I8(h).map((v) => v.message)).toEqual([
      `agent a1 still holds task ${done} in /api/agents/states, though the task was completed`,
    ]);
  });
});
