import type { TaskView } from '../../../models/history.js';
import type { PriorityName } from '../../http/types.js';
import type { HubOptions } from '../../hub/types.js';
import { assertAllCompleted } from '../task-assertions.js';
import { check, withSmokeHub, withTimerDefaults, type SmokeOutcome, type SmokeScenario } from './harness.js';

const TIMERS = { acceptanceMs: 2_000 };
const LANES: Record<PriorityName, number> = { urgent: 0, high: 1, normal: 2, low: 3 };
const COMPLETION_DEADLINE_MS = 15_000;

/**
 * Submission order of TEST-03: 4 urgent, 4 high, 8 normal, 4 low, interleaved
 * with the low ones first in every round, so FIFO alone would put low ahead
 * of urgent and only priority puts urgent first.
 */
const TEST_03_ROUND: PriorityName[] = ['low', 'normal', 'high', 'urgent', 'normal'];
const TEST_03_ROUNDS = 4;
const TEST_03_AGENTS = 4;
const MIN_PER_AGENT = 3;
const MAX_PER_AGENT = 7;

function mean(values: number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

function assignedAtOf(tasks: TaskView[], lane: PriorityName): number[] {
  return tasks.filter((task) => task.priority === LANES[lane]).map((task) => task.assigned_at ?? Number.NaN);
}

/**
 * TEST-03: 4 agents, 20 tasks in four lanes. Every task is queued before any
 * agent connects, and agents take 50 ms per task, so the hub chooses among
 * all twenty at every pass and its order shows in `assigned_at`.
 */
async function priorityLanes(hubOptions: HubOptions = {}): Promise<SmokeOutcome> {
  return withSmokeHub(withTimerDefaults(hubOptions, TIMERS), async (ctx) => {
    const priorities = Array.from({ length: TEST_03_ROUNDS }, () => TEST_03_ROUND).flat();
    const ids: string[] = [];
    for (const [i, priority] of priorities.entries()) ids.push(await ctx.submit(`TEST-03 task ${i + 1} (${priority})`, priority));
    const agents = await ctx.startAgents(
      Array.from({ length: TEST_03_AGENTS }, (_, i) => ({ id: `smoke03-${i + 1}`, behaviour: { delay: 50 } })),
    );
    const tasks = await assertAllCompleted(ctx.client, ids, { timeoutMs: COMPLETION_DEADLINE_MS });

    const counts = agents.map((agent) => `${agent.agentId} ${agent.completedCount}`).join(', ');
    check(
      agents.every((agent) => agent.completedCount >= MIN_PER_AGENT && agent.completedCount <= MAX_PER_AGENT),
      `each agent should complete ${MIN_PER_AGENT}–${MAX_PER_AGENT} tasks: ${counts}`,
    );
    for (const lane of Object.keys(LANES) as PriorityName[]) {
      const want = priorities.filter((priority) => priority === lane).length;
      const got = tasks.filter((task) => task.priority === LANES[lane]).length;
      check(got === want, `lane ${lane}: ${got} completed tasks carry priority ${LANES[lane]}, want ${want}`);
    }
    const urgentMean = mean(assignedAtOf(tasks, 'urgent'));
    const lowMean = mean(assignedAtOf(tasks, 'low'));
    check(urgentMean < lowMean, `mean assigned_at of urgent (${urgentMean}) is not before that of low (${lowMean})`);
    return {
      summary: `20 tasks in 4 lanes completed; urgent assigned ${Math.round(lowMean - urgentMean)} ms before low on average; ${counts}`,
      metrics: { urgentBeforeLowMs: lowMean - urgentMean },
    };
  });
}

const TEST_03B_PAIRS = 10;
const TEST_03B_GAP_MS = 20;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * TEST-03b: urgent and low tasks arrive alternately while two agents work;
 * urgent work keeps coming, yet every low task still completes.
 */
async function noStarvation(hubOptions: HubOptions = {}): Promise<SmokeOutcome> {
  return withSmokeHub(withTimerDefaults(hubOptions, TIMERS), async (ctx) => {
    await ctx.startAgents([
      { id: 'smoke03b-1', behaviour: { delay: 40 } },
      { id: 'smoke03b-2', behaviour: { delay: 40 } },
    ]);
    const low: string[] = [];
    const urgent: string[] = [];
    for (let i = 0; i < TEST_03B_PAIRS; i++) {
      urgent.push(await ctx.submit(`TEST-03b urgent ${i + 1}`, 'urgent'));
      await sleep(TEST_03B_GAP_MS);
      low.push(await ctx.submit(`TEST-03b low ${i + 1}`, 'low'));
      await sleep(TEST_03B_GAP_MS);
    }
    const lastSubmitted = Date.now();
    const lowTasks = await assertAllCompleted(ctx.client, low, { timeoutMs: COMPLETION_DEADLINE_MS });
    await assertAllCompleted(ctx.client, urgent, { timeoutMs: COMPLETION_DEADLINE_MS });
    const lastLowDoneMs = Math.max(...lowTasks.map((task) => task.updated_at)) - lastSubmitted;
    return {
      summary: `${low.length} low tasks completed among ${urgent.length} urgent ones; last low finished ${Math.max(0, lastLowDoneMs)} ms after the last submission`,
      metrics: { lastLowAfterSubmissionsMs: lastLowDoneMs },
    };
  });
}

export const priorityLanesScenario: SmokeScenario = { id: 'TEST-03', title: 'four agents, twenty tasks in four priority lanes', run: priorityLanes };
export const noStarvationScenario: SmokeScenario = { id: 'TEST-03b', title: 'alternating urgent and low tasks: no low task starves', run: noStarvation };
