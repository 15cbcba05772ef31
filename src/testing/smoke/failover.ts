import type { SimAgent } from '../../agents/sim-agent.js';
import type { HubOptions } from '../../hub/types.js';
import { assertAllCompleted } from '../task-assertions.js';
import { waitFor } from '../wait-for.js';
import { check, withSmokeHub, withTimerDefaults, type SmokeContext, type SmokeOutcome, type SmokeScenario } from './harness.js';
import { completionAcks } from './history-queries.js';

/** Acceptance timeout of these scenarios: short, yet far from the accepted tasks they kill. */
const TIMERS = { acceptanceMs: 2_000 };
const RECLAIM_DEADLINE_MS = 5_000;

function acceptedTask(agent: SimAgent): Promise<string> {
  return waitFor(() => (agent.held?.accepted ? agent.held.taskId : undefined), {
    timeoutMs: RECLAIM_DEADLINE_MS,
    what: `${agent.agentId} to accept a task`,
  });
}

function checkCompletedOnce(ctx: SmokeContext, taskIds: readonly string[]): void {
  const acks = completionAcks(ctx.recorder.snapshot());
  const duplicated = taskIds.filter((id) => (acks.get(id)?.length ?? 0) > 1);
  check(duplicated.length === 0, `completed more than once: ${duplicated.join(', ')}`);
}

/**
 * TEST-02: the agent working on a task dies without a close frame; the task
 * goes to the survivor under a new generation and completes exactly once.
 * The victim accepts (and then works "forever"), so only the dead socket can
 * free the task in time: the acceptance timeout no longer applies and the
 * stuck threshold is minutes away.
 */
async function killMidTask(hubOptions: HubOptions = {}): Promise<SmokeOutcome> {
  return withSmokeHub(withTimerDefaults(hubOptions, TIMERS), async (ctx) => {
    // The victim starts alone so the task is certainly its own.
    const [victim] = await ctx.startAgents([{ id: 'smoke02-victim', behaviour: { delay: 600_000 } }]);
    const taskId = await ctx.submit('TEST-02 task');
    check((await acceptedTask(victim)) === taskId, `${victim.agentId} accepted another task than ${taskId}`);
    const before = await ctx.client.getTask(taskId);
    const [survivor] = await ctx.startAgents([{ id: 'smoke02-survivor', behaviour: 'complete' }]);

    const killedAt = Date.now();
    victim.killConnection();
    const [done] = await assertAllCompleted(ctx.client, [taskId], { timeoutMs: RECLAIM_DEADLINE_MS });
    const recoveryMs = Date.now() - killedAt;

    check(done?.assigned_to === survivor.agentId, `${taskId} was completed by ${String(done?.assigned_to)}, not ${survivor.agentId}`);
    check(
      (done?.generation ?? 0) > before.generation,
      `${taskId}: generation ${String(done?.generation)} after the reclaim, not above ${before.generation}`,
    );
    checkCompletedOnce(ctx, [taskId]);
    check(
      survivor.completedCount === 1 && victim.completedCount === 0,
      `completions acknowledged: ${survivor.agentId} ${survivor.completedCount}, ${victim.agentId} ${victim.completedCount}`,
    );
    return {
      summary: `${taskId} completed by the survivor ${recoveryMs} ms after the kill, generation ${before.generation} -> ${done?.generation}`,
      metrics: { recoveryMs, generationBefore: before.generation, generationAfter: done?.generation ?? 0 },
    };
  });
}

const TEST_02B_TASKS = 5;

/** TEST-02b: five tasks, two agents, one killed mid-run: all five complete, none twice. */
async function killMidRun(hubOptions: HubOptions = {}): Promise<SmokeOutcome> {
  return withSmokeHub(withTimerDefaults(hubOptions, TIMERS), async (ctx) => {
    const [victim, survivor] = await ctx.startAgents([
      { id: 'smoke02b-victim', behaviour: { delay: 600_000 } },
      { id: 'smoke02b-survivor', behaviour: { delay: 100 } },
    ]);
    const ids = await Promise.all(Array.from({ length: TEST_02B_TASKS }, (_, i) => ctx.submit(`TEST-02b task ${i + 1}`)));
    await acceptedTask(victim);
    victim.killConnection();
    await assertAllCompleted(ctx.client, ids, { timeoutMs: RECLAIM_DEADLINE_MS * 2 });

    checkCompletedOnce(ctx, ids);
    check(
      survivor.completedCount === TEST_02B_TASKS,
      `${survivor.agentId} had ${survivor.completedCount} completions acknowledged, want ${TEST_02B_TASKS}`,
    );
    return {
      summary: `${TEST_02B_TASKS} tasks completed once each after ${victim.agentId} was killed holding one`,
      metrics: { survivorCompletions: survivor.completedCount },
    };
  });
}

export const killMidTaskScenario: SmokeScenario = { id: 'TEST-02', title: 'an agent killed mid-task: the survivor completes it', run: killMidTask };
export const killMidRunScenario: SmokeScenario = { id: 'TEST-02b', title: 'five tasks, one of two agents killed mid-run', run: killMidRun };
