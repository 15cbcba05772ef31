import { includesAll } from '../frames.js';
import type { Model } from '../model.js';
import { violation, type Violation } from './catalog.js';

/**
 * I4: every push goes to an agent with all the task's capabilities. An agent
 * may have identified with different capabilities over time; any session it
 * had opened before the push will do.
 */
export function capabilities(model: Model): Violation[] {
  const out: Violation[] = [];
  for (const task of model.tasks.values()) {
    const needed = task.submission.neededCapabilities;
    if (needed.length === 0) continue;
    for (const push of task.pushes) {
      const agent = model.agents.get(push.agentId);
      if (push.kind !== 'assign' || agent === undefined) continue;
      const sessions = agent.sessions.filter((s) => s.identity.exchange.send.seq < push.event.seq);
      if (sessions.some((s) => includesAll(s.identity.capabilities, needed))) continue;
      const had = [...new Set(sessions.flatMap((s) => s.identity.capabilities))];
      out.push(
        violation('I4', 'incapable-push', `task ${task.id} needing [${needed.join(', ')}] was pushed to ${push.agentId}, which identified with [${had.join(', ')}]`, [
          task.submission.event.seq,
          ...sessions.map((s) => s.identity.exchange.send.seq),
          push.event.seq,
        ]),
      );
    }
  }
  return out;
}
