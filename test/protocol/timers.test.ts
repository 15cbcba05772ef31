// docs/protocol.md#timers and reclaims, with short settings: acceptance timeout,
// overdue sweep, stuck sweep, WebSocket idle close, reclaim fencing.
import { describe, expect, it } from 'vitest';
import { eventually, ofType, sleep, withHub } from './support.js';

const LONG = { acceptanceMs: 60_000, overdueSweepMs: 60_000, stuckSweepMs: 60_000, stuckThresholdMs: 600_000, wsIdleMs: 60_000 };
const detailsOf = (task: { history: Array<{ details: unknown }> }) => task.history.map((e) => e.details);

describe('acceptance timeout', () => {
  it('reclaims an unaccepted task, bumps the generation, flags the agent, which still gets tasks', async () => {
    await withHub({ timers: { ...LONG, acceptanceMs: 250 } }, async (h) => {
      const { sock, id } = await h.agentWithTask('a1');
      // Reclaimed (generation 2); the agent is idle and flagged, and gets it again (generation 3).
      const again = await sock.next(ofType('task_assign', id), 2_000);
      expect(again.generation).toBe(3);
      const task = await h.task(id);
      expect(task).toMatchObject({ status: 'assigned', assigned_to: 'a1', generation: 3 });
      expect(detailsOf(task)).toContain('agent_disconnect');
      const [state] = await h.agentStates();
      expect(state.flags).toContain('unresponsive');
      sock.send({ type: 'task_complete', task_id: id, generation: 1 });
      expect(await sock.next((f) => f.type === 'error')).toMatchObject({ error: 'task_complete_failed: stale_generation' });
    });
  });

  it('after a reclaim, the old assignment can no longer complete the task', async () => {
    await withHub({ timers: { ...LONG, acceptanceMs: 150 } }, async (h) => {
      const { sock, id } = await h.agentWithTask('a1');
      const b = await h.openAgent('b1');
      await eventually(async () => expect((await h.task(id)).generation).toBeGreaterThanOrEqual(3), 2_000);
      sock.send({ type: 'task_complete', task_id: id, generation: 1 });
      const reply = await sock.next((f) => f.type === 'error' || f.type === 'task_ack');
      expect(reply.error).toMatch(/^task_complete_failed: (stale_generation|not_assignee)$/);
      expect((await h.task(id)).status).toBe('assigned');
      await b.sync();
    });
  });

  it('does not reclaim an accepted task', async () => {
    await withHub({ timers: { ...LONG, acceptanceMs: 100 } }, async (h) => {
      const { sock, id } = await h.agentWithTask('a1');
      sock.send({ type: 'task_accepted', task_id: id });
      await sock.next(ofType('task_ack', id));
      await sleep(300);
      expect(await h.task(id)).toMatchObject({ status: 'assigned', generation: 1 });
      expect((await h.agentStates())[0].flags).not.toContain('unresponsive');
    });
  });

  it('a replacing session gets a fresh acceptance timer and must accept before it', async () => {
    await withHub({ timers: { ...LONG, acceptanceMs: 300 } }, async (h) => {
      const token = await h.mint('a1');
      const first = await h.openAgent('a1', [], { token });
      const id = await h.submit();
      await first.next(ofType('task_assign', id));
      await sleep(200);
      const second = await h.openAgent('a1', [], { token });
      await sleep(180); // past the first timer, before the fresh one
      expect(await h.task(id)).toMatchObject({ status: 'assigned', generation: 1 });
      second.send({ type: 'task_recovering', task_id: id });
      await second.next(ofType('task_continue', id));
      second.send({ type: 'task_accepted', task_id: id });
      await second.next(ofType('task_ack', id));
      await sleep(400);
      expect(await h.task(id)).toMatchObject({ status: 'assigned', generation: 1 });
    });
  });

  it('a reclaim is fenced: an old assignment timer never takes back a later assignment', async () => {
    await withHub({ timers: { ...LONG, acceptanceMs: 300 } }, async (h) => {
      const { sock, id } = await h.agentWithTask('a1');
      const b = await h.openAgent('b1');
      await sock.kill(); // reclaim (generation 2), then assigned to b1 (generation 3)
      const assign = await b.next(ofType('task_assign', id));
      expect(assign.generation).toBe(3);
      b.send({ type: 'task_accepted', task_id: id });
      await b.next(ofType('task_ack', id));
      await sleep(450); // a1's acceptance timer (generation 1) would have fired by now
      expect(await h.task(id)).toMatchObject({ status: 'assigned', assigned_to: 'b1', generation: 3 });
    });
  });
});

describe('overdue sweep', () => {
  it('reclaims an assigned task past complete_by with details "overdue", again at every sweep', async () => {
    await withHub({ timers: { ...LONG, overdueSweepMs: 60 } }, async (h) => {
      const { sock, id } = await h.agentWithTask('a1', { complete_by: Date.now() + 150 });
      sock.send({ type: 'task_accepted', task_id: id });
      await sock.next(ofType('task_ack', id));
      expect((await h.task(id)).generation).toBe(1);
      // Each sweep reclaims (+1) and the idle agent is given it again (+1).
      await sock.next((f) => f.type === 'task_assign' && f.task_id === id && f.generation === 3, 2_000);
      await sock.next((f) => f.type === 'task_assign' && f.task_id === id && f.generation === 5, 2_000);
      const task = await h.task(id);
      expect(detailsOf(task).filter((d) => d === 'overdue').length).toBeGreaterThanOrEqual(2);
      expect(detailsOf(task)).not.toContain('agent_disconnect');
    });
  });

  it('leaves a task alone before complete_by', async () => {
    await withHub({ timers: { ...LONG, overdueSweepMs: 40 } }, async (h) => {
      const { id } = await h.agentWithTask('a1', { complete_by: Date.now() + 60_000 });
      await sleep(200);
      expect((await h.task(id)).generation).toBe(1);
    });
  });
});

describe('stuck sweep', () => {
  it('reclaims an assigned task nothing touched for the threshold', async () => {
    await withHub({ timers: { ...LONG, stuckSweepMs: 40, stuckThresholdMs: 200 } }, async (h) => {
      const { sock, id } = await h.agentWithTask('a1');
      sock.send({ type: 'task_accepted', task_id: id });
      await sock.next(ofType('task_ack', id));
      const again = await sock.next(ofType('task_assign', id), 2_000);
      expect(again.generation).toBe(3);
      expect(detailsOf(await h.task(id))).toContain('agent_disconnect');
    });
  });

  it('task_progress keeps a task from being stuck', async () => {
    await withHub({ timers: { ...LONG, stuckSweepMs: 40, stuckThresholdMs: 250 } }, async (h) => {
      const { sock, id } = await h.agentWithTask('a1');
      sock.send({ type: 'task_accepted', task_id: id });
      await sock.next(ofType('task_ack', id));
      for (let i = 0; i < 8; i++) {
        await sleep(70);
        sock.send({ type: 'task_progress', task_id: id, progress: i });
      }
      await sock.sync();
      expect(await h.task(id)).toMatchObject({ status: 'assigned', generation: 1 });
    });
  });
});

describe('WebSocket idle timeout', () => {
  it('closes a silent socket with 1002, identified or not', async () => {
    await withHub({ timers: { ...LONG, wsIdleMs: 150 } }, async (h) => {
      const raw = await h.connect();
      const agent = await h.openAgent('a1');
      expect((await raw.waitClosed(2_000)).code).toBe(1002);
      expect((await agent.waitClosed(2_000)).code).toBe(1002);
    });
  });

  it('any frame resets it', async () => {
    await withHub({ timers: { ...LONG, wsIdleMs: 200 } }, async (h) => {
      const agent = await h.openAgent('a1');
      for (let i = 0; i < 6; i++) {
        await sleep(80);
        await agent.sync();
      }
      expect(agent.isOpen).toBe(true);
    });
  });

  it('frames the hub sends reset it too', async () => {
    // The agent never speaks after identify; every acceptance timeout re-pushes task_assign.
    await withHub({ timers: { ...LONG, wsIdleMs: 300, acceptanceMs: 100 } }, async (h) => {
      const { sock, id } = await h.agentWithTask('a1');
      await sock.next((f) => f.type === 'task_assign' && f.task_id === id && f.generation >= 9, 3_000);
      expect(sock.isOpen).toBe(true);
    });
  });

  it('an idle close reclaims the task', async () => {
    await withHub({ timers: { ...LONG, wsIdleMs: 150 } }, async (h) => {
      const { sock, id } = await h.agentWithTask('a1');
      await sock.waitClosed(2_000);
      await eventually(async () => expect(await h.task(id)).toMatchObject({ status: 'queued', generation: 2 }));
    });
  });
});

describe('reclaim on socket loss', () => {
  it('a killed socket reclaims its task with details agent_disconnect', async () => {
    await withHub({ timers: LONG }, async (h) => {
      const { sock, id } = await h.agentWithTask('a1');
      sock.send({ type: 'task_accepted', task_id: id });
      await sock.next(ofType('task_ack', id));
      await sock.kill();
      await eventually(async () => {
        const task = await h.task(id);
        expect(task).toMatchObject({ status: 'queued', generation: 2, assigned_to: null });
        expect(task.history[0].details).toBe('agent_disconnect');
      });
      expect(await h.agentStates()).toEqual([]);
    });
  });
});

describe('fail, retry, dead letter', () => {
  it('fails up to max_retries, then the retry from the dead letter resets retry_count and bumps the generation', async () => {
    await withHub({ timers: LONG }, async (h) => {
      const { sock, id } = await h.agentWithTask('a1', { max_retries: 3 });
      let generation = 1;
      for (const expected of ['retried', 'retried', 'dead_letter']) {
        sock.send({ type: 'task_failed', task_id: id, generation, error: expected });
        expect(await sock.next(ofType('task_ack', id))).toMatchObject({ status: expected });
        if (expected === 'retried') generation = (await sock.next(ofType('task_assign', id))).generation;
      }
      expect(generation).toBe(5);
      const dead = await h.task(id);
      expect(dead).toMatchObject({ status: 'dead_letter', retry_count: 3, generation: 5 });
      expect((await h.http('POST', `/api/tasks/${id}/retry`)).status).toBe(200);
      const assign = await sock.next(ofType('task_assign', id));
      expect(assign.generation).toBe(7);
      expect(await h.task(id)).toMatchObject({ status: 'assigned', retry_count: 0, generation: 7 });
    });
  });
});
