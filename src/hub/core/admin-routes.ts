/** HTTP routes for health, tokens, agent states and the admin reset. */
import type { Answer, RouteContext } from './http-route.js';
import { ok } from './http-route.js';
import { isJsonObject } from './json.js';
import { CLOSE_NORMAL, dropSessions } from './sessions.js';

const TOKEN_PREFIX_LENGTH = 8;

export function issueToken({ step, body }: RouteContext): Answer {
  const agentId = isJsonObject(body) ? body.agent_id : undefined;
  if (typeof agentId !== 'string' || agentId === '') {
    return { status: 400, body: { error: 'missing required field: agent_id' } };
  }
  const token = step.env.ids.token();
  step.state.tokens.set(token, agentId);
  step.persist({ kind: 'token', token, agent_id: agentId });
  return { status: 201, body: { agent_id: agentId, token } };
}

export function listTokens({ step }: RouteContext): Answer {
  const tokens = [...step.state.tokens].map(([token, agentId]) => ({
    agent_id: agentId,
    token_prefix: token.slice(0, TOKEN_PREFIX_LENGTH),
  }));
  return ok({ tokens, count: tokens.length });
}

export function revokeTokens({ step, params: [agentId = ''] }: RouteContext): Answer {
  let count = 0;
  for (const [token, owner] of step.state.tokens) {
    if (owner !== agentId) continue;
    step.state.tokens.delete(token);
    count += 1;
  }
  step.persist({ kind: 'revoke', agent_id: agentId });
  return ok({ status: 'revoked', agent_id: agentId, count });
}

export function agentStates({ step }: RouteContext): Answer {
  const agents = [...step.state.agents.values()]
    .sort((a, b) => a.joinSeq - b.joinSeq)
    .map((agent) => ({
      agent_id: agent.agentId,
      name: agent.name,
      fsm_state: agent.transitioned ? agent.fsm : 'unknown',
      current_task_id: agent.holding?.taskId ?? null,
      capabilities: agent.capabilities,
      flags: [...agent.flags],
      connected_at: agent.connectedAt,
    }));
  return ok({ agents });
}

export function health({ step }: RouteContext): Answer {
  return ok({ status: 'ok', service: 'agent_com', agents_connected: step.state.agents.size });
}

/**
 * Every socket closes (1000) and every agent session is dropped, its task
 * reclaimed; tasks and tokens stay.
 */
export function reset({ step, caller }: RouteContext): Answer {
  if (!step.env.adminAgents.has(caller)) return { status: 403, body: { error: 'admin_only' } };
  return {
    ...ok({ status: 'reset_scheduled' }),
    after: () => {
      for (const conn of step.state.conns.values()) {
        conn.agentId = null;
        step.close(conn.id, CLOSE_NORMAL, 'reset');
      }
      dropSessions(step, [...step.state.agents.values()]);
    },
  };
}

