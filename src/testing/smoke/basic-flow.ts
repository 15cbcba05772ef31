import type { HubOptions } from '../../hub/types.js';
import { assertAllCompleted } from '../task-assertions.js';
import { check, withSmokeHub, withTimerDefaults, type SmokeOutcome, type SmokeScenario } from './harness.js';
import { completionAcks, submissionTimes } from './history-queries.js';

const TASKS = 10;
const MAX_LATENCY_MS = 5_000;
const MAX_TOKENS_USED = 500;

/**
 * TEST-01: two agents, ten tasks, every one completed quickly. The agents
 * take 25 ms per task and the tasks are submitted together, so both agents
 * get work (with instant agents one could finish each task before the next
 * arrives and take them all).
 */
async function run(hubOptions: HubOptions = {}): Promise<SmokeOutcome> {
  return withSmokeHub(withTimerDefaults(hubOptions, { acceptanceMs: 2_000 }), async (ctx) => {
    const agents = await ctx.startAgents([
      { id: 'smoke01-a', behaviour: { delay: 25 } },
      { id: 'smoke01-b', behaviour: { delay: 25 } },
    ]);
    const ids = await Promise.all(Array.from({ length: TASKS }, (_, i) => ctx.submit(`TEST-01 task ${i + 1}`)));
    const tasks = await assertAllCompleted(ctx.client, ids, { timeoutMs: MAX_LATENCY_MS * 2 });

    const events = ctx.recorder.snapshot();
    const submitted = submissionTimes(events);
    const acks = completionAcks(events);
    const latencies = ids.map((id) => (acks.get(id)?.[0] ?? Number.NaN) - (submitted.get(id) ?? Number.NaN));
    const firstSubmit = Math.min(...ids.map((id) => submitted.get(id) ?? Number.NaN));
    const lastAck = Math.max(...ids.map((id) => acks.get(id)?.[0] ?? Number.NaN));
    const totalMs = Math.round(lastAck - firstSubmit);
    const maxTaskMs = Math.round(Math.max(...latencies));
    check(Number.isFinite(totalMs), 'an agent never received the complete ack of a completed task');
    check(totalMs < MAX_LATENCY_MS, `submission to completion took ${totalMs} ms, not under ${MAX_LATENCY_MS} ms`);

    for (const task of tasks) {
      check(
        task.tokens_used !== null && task.tokens_used <= MAX_TOKENS_USED,
        `${task.id} has tokens_used ${String(task.tokens_used)}, want a number ≤ ${MAX_TOKENS_USED}`,
      );
    }
    const counts = agents.map((agent) => `${agent.agentId} ${agent.completedCount}`).join(', ');
    check(agents.every((agent) => agent.completedCount > 0), `not every agent did work: ${counts}`);
    check(
      agents.reduce((sum, agent) => sum + agent.completedCount, 0) === TASKS,
      `the agents' acknowledged completions (${counts}) do not add up to ${TASKS}`,
    );
    return {
      summary: `${TASKS} tasks completed in ${totalMs} ms from first submission to last completion (slowest task ${maxTaskMs} ms); ${counts}`,
      metrics: { totalLatencyMs: totalMs, maxTaskLatencyMs: maxTaskMs },
    };
  });
}

export const basicFlow: SmokeScenario = { id: 'TEST-01', title: 'two agents complete ten tasks', run };
