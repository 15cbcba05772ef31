/**
 * The kinds of violation each invariant reports: what a finding is bucketed
 * by (invariant and kind), so two runs that break a rule the same way are one
 * finding whatever their messages say. `waitsForTimers`: judging the kind
 * needs the hub's timers to have run out (liveness and reclaim); the others
 * are established the moment their evidence is in the history.
 */
export const VIOLATION_KINDS = {
  I1: {
    lost: { description: 'a task is in neither final list', waitsForTimers: true },
    'not-terminal': { description: 'a task is not completed or dead-lettered after the quiesce', waitsForTimers: true },
    'completed-unacknowledged': { description: 'a task ends completed with no completion acknowledged or left unanswered', waitsForTimers: false },
    'dead-letter-after-complete': { description: "a task ends dead-lettered although a completion was acknowledged", waitsForTimers: false },
    'dead-letter-retry-count': { description: 'a task was dead-lettered more often than it was retried', waitsForTimers: false },
    'dead-letter-count': { description: 'a task was dead-lettered after the wrong number of accepted failures', waitsForTimers: false },
    'requeued-past-limit': { description: 'a task was requeued after its failures reached max_retries', waitsForTimers: false },
    'dead-letter-early': { description: 'a task ends dead-lettered after too few accepted failures', waitsForTimers: false },
    'completed-twice': { description: 'a task was acknowledged complete more than once', waitsForTimers: false },
  },
  I2: {
    'two-holders': { description: 'one (task, generation) was pushed to two agents', waitsForTimers: false },
    'second-task': { description: 'a task was pushed to an agent that still held another task', waitsForTimers: false },
    'pushed-twice': { description: 'one (task, generation) was pushed to the same agent twice', waitsForTimers: false },
    'generation-not-growing': { description: 'a later push of a task carries a generation no higher than an earlier one', waitsForTimers: false },
    'even-generation-pushed': { description: 'a task was pushed with an even (queued) generation', waitsForTimers: false },
    'generation-parity': { description: 'a task was seen in a state its generation parity rules out', waitsForTimers: false },
  },
  I3: {
    'wrong-ack-status': { description: 'a report was acknowledged with a status the contract does not give it', waitsForTimers: false },
    'foreign-report': { description: 'a completion or failure from an agent not assigned that generation was acknowledged', waitsForTimers: false },
    'stale-report': { description: 'a completion or failure from the assignee at a generation not the current one was acknowledged', waitsForTimers: false },
    'non-contract-error': { description: 'a report was rejected with an error string the contract does not name', waitsForTimers: false },
  },
  I4: {
    'incapable-push': { description: 'a task was pushed to an agent without every capability it needs', waitsForTimers: false },
  },
  I5: {
    'priority-inverted': { description: 'a task was pushed while a task of a more urgent priority the agent could take waited', waitsForTimers: false },
    'fifo-broken': { description: 'a task was pushed while an older task of the same priority the agent could take waited', waitsForTimers: false },
  },
  I6: {
    'idle-while-queued': { description: 'a task stayed queued while a capable agent was idle', waitsForTimers: true },
    'held-by-the-gone': { description: 'a task stayed assigned to an agent whose connection was gone', waitsForTimers: true },
  },
  I7: {
    'unaccepted-kept': { description: 'an unaccepted assignment outlived its acceptance timer', waitsForTimers: true },
    'late-accept-acknowledged': { description: 'an accept sent after the acceptance timer was acknowledged although the task was never reclaimed', waitsForTimers: true },
    'overdue-kept': { description: 'an overdue task stayed assigned past the overdue sweep', waitsForTimers: true },
    'stuck-kept': { description: 'a task untouched past the stuck threshold stayed assigned past the stuck sweep', waitsForTimers: true },
  },
  I8: {
    'completed-disagrees': { description: "a completed task's final view disagrees with its acknowledged completion", waitsForTimers: false },
    'dead-letter-in-list': { description: 'the task list shows a dead-lettered task', waitsForTimers: false },
    'in-both-lists': { description: 'a task is in both the task list and the dead-letter list', waitsForTimers: false },
    'stats-disagree': { description: 'the stats disagree with the final lists', waitsForTimers: false },
    'agent-missing': { description: 'a connected agent is missing from the agent states', waitsForTimers: false },
    'agent-unconnected': { description: 'the agent states list an agent with no live connection', waitsForTimers: false },
    'agent-holds-ended': { description: 'the agent states show an agent holding a task that ended', waitsForTimers: false },
  },
  I9: {
    'created-then-404': { description: 'a created task was later answered 404', waitsForTimers: false },
    'task-missing': { description: 'a created task is missing from both lists', waitsForTimers: false },
    'terminal-undone': { description: 'an acknowledged terminal state was later undone', waitsForTimers: false },
    'generation-regressed': { description: 'a view shows a generation below one acknowledged earlier', waitsForTimers: false },
  },
  I10: {
    'http-unanswered': { description: 'a request got no answer or a 5xx while the hub was up', waitsForTimers: false },
    'connect-refused': { description: 'a connection could not open while the hub was up', waitsForTimers: false },
    'bad-close-code': { description: 'the hub closed a socket with a code the contract does not allow', waitsForTimers: false },
    'unanswered-frame': { description: 'a frame got no reply before the hub closed its socket, or within the reply bound on an open one', waitsForTimers: false },
    'reply-mismatch': { description: 'a reply answers no frame the client sent', waitsForTimers: false },
    'replaced-session-kept': { description: 'a replaced session was kept: not closed with 4001, or sent a push after the new identify', waitsForTimers: false },
    'restart-failed': { description: 'the hub did not come back up after a restart', waitsForTimers: false },
    'hub-down': { description: 'the hub stopped answering /health during or after the run (judged by the runner)', waitsForTimers: false },
    'run-timeout': { description: 'the run did not finish within --timeout-per-run (judged by the runner)', waitsForTimers: false },
  },
  H1: {
    unreachable: { description: 'after a hostile step the hub did not answer /health or let a fresh agent identify', waitsForTimers: false },
  },
  H2: {
    'server-error': { description: 'bad input got a 5xx', waitsForTimers: false },
    'bad-error-body': { description: 'an error answer is not a JSON object with an error field', waitsForTimers: false },
  },
  H3: {
    'unexplained-close': { description: 'a socket was closed where no refused frame explains it', waitsForTimers: false },
    'not-closed': { description: 'a frame the contract refuses by closing did not close the socket', waitsForTimers: false },
  },
  H4: {
    'good-refused': { description: 'a body the contract accepts was refused', waitsForTimers: false },
    'oversize-not-413': { description: 'a body over 1 MiB was not answered 413', waitsForTimers: false },
    'bad-accepted': { description: 'a body the contract refuses was accepted', waitsForTimers: false },
    'wrong-refusal': { description: 'a bad body was refused with the wrong error', waitsForTimers: false },
    'bad-result-verdict': { description: 'a task_complete with a non-object result did not get invalid_result', waitsForTimers: false },
  },
  H5: {
    'no-restart': { description: 'the hub did not start again on its own data', waitsForTimers: false },
  },
} as const;

/**
 * Kinds that were folded into another, by bucket: a saved failure names the
 * kind it broke when it was found, and replaying it must look for the kind
 * that judges the same thing now, or a defect still there would pass for fixed.
 */
export const FOLDED_KINDS: Readonly<Record<string, string>> = {
  'I10/replaced-session-open': 'replaced-session-kept',
  'I10/push-to-replaced': 'replaced-session-kept',
};

export type ViolationKinds = typeof VIOLATION_KINDS;
export type KindOf<I extends keyof ViolationKinds> = keyof ViolationKinds[I] & string;
