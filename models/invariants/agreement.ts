import { DISCONNECT_RECLAIM_MS, REACTION_SLACK_MS } from '../bounds.js';
import { asObject, jsonEqual, numberField, stringField } from '../frames.js';
import type { HttpEvent, TaskView } from '../history.js';
import type { Listing, Model } from '../model.js';
import { mayHaveMoved } from '../moves.js';
import type { TaskRecord, View } from '../tasks.js';
import { violation, type Violation } from './catalog.js';

function completionMismatch(task: TaskRecord, view: TaskView, listing: Listing): Violation | undefined {
  const completions = task.reports.filter((r) => r.kind === 'complete' && r.outcome === 'accepted');
  const [completion] = completions;
  if (completion === undefined || completions.length > 1) return undefined;
  const frame = completion.exchange.frame;
  const sentResult = frame?.result ?? {};
  const sentTokens = numberField(frame, 'tokens_used');
  const problems: string[] = [];
  if (view.assigned_to !== completion.agentId) problems.push(`assigned_to ${view.assigned_to}, completed by ${completion.agentId}`);
  if (view.generation !== completion.generation) problems.push(`generation ${view.generation}, completed at ${String(completion.generation)}`);
  if (!jsonEqual(view.result, sentResult)) problems.push(`result ${JSON.stringify(view.result)}, sent ${JSON.stringify(sentResult)}`);
  if (sentTokens !== undefined && view.tokens_used !== sentTokens) problems.push(`tokens_used ${view.tokens_used}, sent ${sentTokens}`);
  if (problems.length === 0) return undefined;
  return violation('I8', 'completed-disagrees', `completed task ${task.id} disagrees with its acknowledged completion: ${problems.join('; ')}`, [
    completion.exchange.send.seq,
    completion.exchange.reply?.seq ?? completion.exchange.send.seq,
    listing.event.seq,
  ]);
}

function storeMismatch(model: Model, task: TaskRecord, main: Listing, deadLetter: Listing): Violation | undefined {
  const inMain = main.tasks.find((v) => v.id === task.id);
  if (inMain?.status === 'dead_letter') {
    return violation('I8', 'dead-letter-in-list', `the task list shows task ${task.id} as dead_letter; dead-letter tasks belong only in the dead-letter list`, [main.event.seq]);
  }
  if (inMain === undefined || !deadLetter.ids.has(task.id)) return undefined;
  const from = Math.min(main.event.payload.sentAt, deadLetter.event.payload.sentAt);
  const to = Math.max(main.event.t, deadLetter.event.t);
  if (mayHaveMoved(model, task, from, to)) return undefined;
  return violation('I8', 'in-both-lists', `task ${task.id} is in both the final task list (${inMain.status}) and the dead-letter list`, [main.event.seq, deadLetter.event.seq]);
}

/** Stats are compared only when the lists hold nothing but our tasks, all terminal, so nothing moved in between. */
function statsMismatch(model: Model, main: Listing, deadLetter: Listing, stats: HttpEvent): Violation | undefined {
  const all = [...main.tasks, ...deadLetter.tasks];
  const settled = all.every((v) => model.tasks.has(v.id) && (v.status === 'completed' || v.status === 'dead_letter'));
  const from = Math.min(main.event.payload.sentAt, deadLetter.event.payload.sentAt, stats.payload.sentAt);
  const to = Math.max(main.event.t, deadLetter.event.t, stats.t);
  const still = [...model.tasks.values()].every((task) => !mayHaveMoved(model, task, from, to));
  if (!settled || !still) return undefined;
  const answer = asObject(stats.payload.response);
  const byStatus = asObject(answer?.by_status) ?? {};
  const problems: string[] = [];
  for (const status of ['queued', 'assigned', 'completed']) {
    const listed = main.tasks.filter((v) => v.status === status).length;
    const counted = numberField(byStatus, status) ?? 0;
    if (listed !== counted) problems.push(`by_status.${status} ${counted}, listed ${listed}`);
  }
  const deadLetters = numberField(answer, 'dead_letter') ?? 0;
  if (deadLetters !== deadLetter.tasks.length) problems.push(`dead_letter ${deadLetters}, listed ${deadLetter.tasks.length}`);
  if (problems.length === 0) return undefined;
  return violation('I8', 'stats-disagree', `stats disagree with the final lists: ${problems.join('; ')}`, [main.event.seq, deadLetter.event.seq, stats.seq]);
}

/** A view showing the task terminal by `t`, and no retry sent since that could have revived it. */
function endedBefore(task: TaskRecord, t: number): View | undefined {
  return task.views.find(
    (v) =>
      v.event.t < t &&
      (v.task.status === 'completed' ||
        (v.task.status === 'dead_letter' && !task.retries.some((r) => r.payload.sentAt > v.event.payload.sentAt))),
  );
}

function agentStateMismatches(model: Model, states: HttpEvent): Violation[] {
  const listed = asObject(states.payload.response)?.agents;
  if (!Array.isArray(listed)) return [];
  const { sentAt } = states.payload;
  const byId = new Map(listed.map(asObject).flatMap((a) => (a && stringField(a, 'agent_id') ? [[stringField(a, 'agent_id') as string, a]] : [])));
  const out: Violation[] = [];
  for (const agent of model.agents.values()) {
    const connected = agent.sessions.some((s) => s.start <= sentAt && s.end >= states.t);
    const maybeConnected = agent.sessions.some(
      (s) => s.identity.exchange.send.t <= states.t && s.end >= sentAt - DISCONNECT_RECLAIM_MS,
    );
    const entry = byId.get(agent.id);
    if (connected && entry === undefined) {
      out.push(violation('I8', 'agent-missing', `agent ${agent.id} was connected and identified throughout, but is missing from /api/agents/states`, [states.seq]));
    } else if (entry !== undefined && !maybeConnected) {
      out.push(violation('I8', 'agent-unconnected', `agent ${agent.id} is in /api/agents/states without a live connection`, [states.seq]));
    }
    const holding = stringField(entry, 'current_task_id');
    const task = holding === undefined ? undefined : model.tasks.get(holding);
    const ended = task === undefined ? undefined : endedBefore(task, sentAt - REACTION_SLACK_MS);
    if (task !== undefined && ended !== undefined) {
      out.push(
        violation('I8', 'agent-holds-ended', `agent ${agent.id} still holds task ${task.id} in /api/agents/states, though the task was ${ended.task.status}`, [
          ended.event.seq,
          states.seq,
        ]),
      );
    }
  }
  return out;
}

/** I8: the final snapshot agrees with what agents reported, and lists, stats and agent states agree. */
export function agreement(model: Model): Violation[] {
  const { main, deadLetter, stats, agentStates } = model.final;
  const out: Violation[] = [];
  for (const task of model.tasks.values()) {
    const view = main?.tasks.find((v) => v.id === task.id);
    const found = [
      main && view?.status === 'completed' ? completionMismatch(task, view, main) : undefined,
      main && deadLetter ? storeMismatch(model, task, main, deadLetter) : undefined,
    ];
    for (const v of found) if (v) out.push(v);
  }
  const statsFound = main && deadLetter && stats ? statsMismatch(model, main, deadLetter, stats) : undefined;
  if (statsFound) out.push(statsFound);
  if (agentStates) out.push(...agentStateMismatches(model, agentStates));
  return out;
}
