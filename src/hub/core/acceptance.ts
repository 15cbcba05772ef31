import type { AgentSession } from './state.js';
import type { Step } from './step.js';

/** A fresh deadline for the agent to accept the task it holds. */
export function startAcceptanceTimer(step: Step, agent: AgentSession): void {
  step.cancelTimer(agent.acceptanceTimer);
  agent.acceptanceTimer = null;
  if (agent.holding === null || step.faults.has('no-acceptance-timeout')) return;
  if (step.faults.has('reassign-no-acceptance-timer') && agent.holding.generation > 1) return;
  agent.acceptanceTimer = step.setTimer({
    kind: 'acceptance',
    dueAt: step.now + step.env.timers.acceptanceMs,
    agentId: agent.agentId,
    taskId: agent.holding.taskId,
    generation: agent.holding.generation,
  });
}
