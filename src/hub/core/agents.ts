import { schedulePass } from './scheduler.js';
import type { AgentSession } from './state.js';
import type { Step } from './step.js';

/** Sessions (normally one) that hold an assignment of this task. */
export function holdersOf(step: Step, taskId: string): AgentSession[] {
  return [...step.state.agents.values()].filter((agent) => agent.holding?.taskId === taskId);
}

function setIdle(step: Step, agent: AgentSession): void {
  step.cancelTimer(agent.acceptanceTimer);
  agent.acceptanceTimer = null;
  agent.holding = null;
  agent.fsm = 'idle';
  agent.transitioned = true;
}

/** The agents' task is done with (completed, failed or reclaimed): they go idle, and idleness is a scheduling trigger. */
export function releaseAndSchedule(step: Step, agents: readonly AgentSession[]): void {
  if (step.faults.has('no-idle-trigger')) {
    schedulePass(step);
    for (const agent of agents) setIdle(step, agent);
    return;
  }
  for (const agent of agents) setIdle(step, agent);
  schedulePass(step);
}
