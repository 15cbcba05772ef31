import type { FaultSet } from '../faults/catalogue.js';
import { startAcceptanceTimer } from './acceptance.js';
import type { AgentSession } from './state.js';
import type { Step } from './step.js';
import { queueOrder, recordHistory, type Task } from './task.js';

/** How long a hub with `sweep-only-scheduling` lets a scheduling trigger wait: twice the model's reaction slack. */
const SCHEDULING_SWEEP_MS = 1_000;

function canTake(agent: AgentSession, task: Task, faults: FaultSet): boolean {
  const needs = task.needed_capabilities;
  if (needs.length === 0) return true;
  const has = (capability: string): boolean => agent.capabilities.includes(capability);
  if (faults.has('capability-any')) return needs.some(has);
  return needs.every(has);
}

function isSchedulable(step: Step, agent: AgentSession): boolean {
  const free = agent.fsm === 'idle' || (agent.fsm === 'working' && step.faults.has('push-to-busy-agent'));
  return free && step.state.conns.get(agent.connId)?.closing === false;
}

function assign(step: Step, task: Task, agent: AgentSession): void {
  task.generation += 1;
  task.status = 'assigned';
  task.assigned_to = agent.agentId;
  task.assigned_at = step.now;
  task.updated_at = step.now;
  recordHistory(task, 'assigned', step.now, { agent_id: agent.agentId, generation: task.generation });
  step.touch(task);
  agent.fsm = 'assigned';
  agent.transitioned = true;
  agent.holding = { taskId: task.id, generation: task.generation };
  startAcceptanceTimer(step, agent);
  step.sendToAgent(agent, {
    type: 'task_assign',
    task_id: task.id,
    description: task.description,
    metadata: task.metadata,
    generation: task.generation,
    assigned_at: step.now,
  });
}

/**
 * One scheduling pass: queued tasks in queue order, each to the first idle
 * agent (in join order) that has every needed capability; an agent takes at
 * most one task per pass. `sweep`: the pass a hub with `sweep-only-scheduling`
 * defers every trigger to.
 */
export function schedulePass(step: Step, trigger: 'event' | 'sweep' = 'event'): void {
  if (trigger === 'event' && step.faults.has('sweep-only-scheduling')) {
    const armed = [...step.state.timers.values()].some((timer) => timer.kind === 'scheduling_sweep');
    if (!armed) step.setTimer({ kind: 'scheduling_sweep', dueAt: step.now + SCHEDULING_SWEEP_MS });
    return;
  }
  const idle = [...step.state.agents.values()]
    .filter((agent) => isSchedulable(step, agent))
    .sort((a, b) => a.joinSeq - b.joinSeq);
  if (idle.length === 0) return;
  const queued = [...step.state.tasks.values()].filter((task) => task.status === 'queued').sort(queueOrder(step.faults));
  for (const task of queued) {
    if (idle.length === 0) return;
    const index = idle.findIndex((agent) => canTake(agent, task, step.faults));
    if (index < 0) continue;
    const [agent] = idle.splice(index, 1);
    if (agent !== undefined) assign(step, task, agent);
  }
}
