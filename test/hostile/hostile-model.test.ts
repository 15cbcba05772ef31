import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../models/check.js';
import type { HistoryEvent } from '../../models/history.js';
import { submitVerdict } from '../../models/invariants/hostile-verdicts.js';
import { describeHostileFrame, describeHostileRequest } from '../../src/actions/hostile.js';
import { violationsOf } from '../models/support/check.js';
import { HistoryBuilder } from '../models/support/history-builder.js';

const RUN_START: HistoryEvent = {
  seq: 0,
  t: 0,
  actor: 'runner',
  kind: 'run_start',
  payload: {
    seed: 1,
    target: 'embedded',
    timers: { acceptanceMs: 250, overdueSweepMs: 100, stuckSweepMs: 100, stuckThresholdMs: 1_000, wsIdleMs: 30_000 },
    agentIds: ['agent-0'],
    capabilityPool: [],
    janitorId: 'janitor',
    wallClockOrigin: 0,
    faults: [],
  },
};

describe('hostile-input model', () => {
  it('judges a submit body as the protocol says', () => {
    expect(submitVerdict({ description: 'a', priority: 'urgent', extra: 1 })).toEqual({ status: 201 });
    expect(submitVerdict([])).toEqual({ status: 400, error: 'missing required field: description' });
    expect(submitVerdict({ description: 'a', priority: 1, metadata: [] })).toEqual({
      status: 400,
      error: 'invalid_field',
      fields: ['priority', 'metadata'],
    });
    expect(submitVerdict({ description: 'x'.repeat(1024 * 1024) })).toEqual({ status: 413 });
  });

  it('flags a hub that does not start again on its own data (H5) and a failed probe (H1)', () => {
    const history: HistoryEvent[] = [
      RUN_START,
      { seq: 1, t: 1, actor: 'runner', kind: 'action', payload: { index: 0, text: 'send a frame' } },
      { seq: 2, t: 2, actor: 'runner', kind: 'probe', payload: { health: 200, identified: false, identify: 'error' } },
      { seq: 3, t: 3, actor: 'hub', kind: 'hub', payload: { event: 'restart_begin', crash: true } },
      { seq: 4, t: 4, actor: 'hub', kind: 'hub', payload: { event: 'restart_failed', crash: true, error: 'boom' } },
    ];
    const { violations } = checkHistory(history, { invariants: ['H1', 'H5'] });
    expect(violations.map((v) => v.invariant)).toEqual(['H1', 'H5']);
    expect(violations[1]?.message).toMatch(/boom/);
  });

  it('prints a request as a curl line with the token left to the user, and big values as shell', () => {
    const line = describeHostileRequest({
      method: 'POST',
      path: { to: 'tasks' },
      body: { body: 'fields', overrides: [{ name: 'priority', value: { long: 5 } }] },
      contentType: 'json',
      auth: 'admin',
    });
    expect(line).toContain('-H "Authorization: Bearer $AGENTCOM_TOKEN"');
    expect(line).toContain(`"priority":"'"$(head -c 5 /dev/zero | tr '\\0' x)"'"`);
    expect(describeHostileFrame({ frame: 'message', type: { json: 'task_complete' }, overrides: [{ name: 'result', value: { json: [] } }] })).toContain(
      '"result":[]',
    );
  });
});

describe('H3 hostile closes', () => {
  const H3 = (h: HistoryBuilder) => violationsOf(h.build(), 'H3');

  it('takes an identify whose socket died before the reply as the reason for closing the old session with 4001', () => {
    const h = new HistoryBuilder();
    const old = h.at(0).connect('a1');
    const second = h.at(10).open('a1');
    h.send(second, { type: 'identify', agent_id: 'a1', token: 'f'.repeat(64), capabilities: [] });
    h.at(11).close(second, 'client_kill');
    h.at(12).close(old, 'server', 4001, 'session_replaced');
    expect(H3(h)).toEqual([]);
  });

  it('flags a 4001 close that no identify on another socket explains', () => {
    const h = new HistoryBuilder();
    const old = h.at(0).connect('a1');
    h.at(12).close(old, 'server', 4001, 'session_replaced');
    expect(H3(h).map((v) => v.invariant)).toEqual(['H3']);
  });
});
