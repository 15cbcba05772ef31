/**
 * Deliberate defects the reference hub can be told to have, so the fuzzer can
 * show it finds them. Each is one guarded branch in the hub; without faults
 * the hub follows docs/protocol.md. `property` names the property family whose
 * actions can reach the defect, where the default lifecycle family cannot
 * (malformed input is only sent by hostile-input). `crashesHub`: the defect
 * takes the whole hub down or silent, as a crashing production hub does.
 * `masks`: with this defect on, those defects' branches are never reached
 * (no task is ever dead-lettered; no lane order is left to invert).
 */
export const FAULT_CATALOGUE = [
  { name: 'no-idle-trigger', description: 'an agent that becomes idle does not trigger a scheduling pass' },
  { name: 'reclaim-keeps-generation', description: 'reclaim does not bump the generation' },
  { name: 'unfenced-complete', description: 'task_complete ignores the generation' },
  { name: 'any-agent-complete', description: 'any identified agent may complete any assigned task' },
  { name: 'no-reclaim-on-disconnect', description: "a dead socket's task stays assigned" },
  { name: 'no-acceptance-timeout', description: 'the acceptance timer never fires' },
  { name: 'retry-off-by-one', description: 'a task is dead-lettered after max_retries + 1 failures' },
  { name: 'priority-lifo', description: 'inside a priority lane the newest task goes first' },
  { name: 'priority-ignored', description: 'priority lanes are ignored: plain FIFO', masks: ['priority-lifo'] },
  { name: 'capability-any', description: 'a task goes to an agent with any one of its needed capabilities' },
  { name: 'double-assign', description: 'reclaim does not release the old assignee, whose old-generation completion still counts' },
  { name: 'ack-before-persist', description: 'replies go out before the change is durable (writes flushed 100 ms later)' },
  { name: 'stale-session-on-reconnect', description: 'a second identify keeps pushing to the old socket and leaves it open' },
  { name: 'dead-letter-retry-keeps-generation', description: 'retry from dead letter does not bump the generation' },
  { name: 'stats-miscount', description: 'stats count a task retried from dead letter twice in by_status' },
  {
    name: 'complete-check-then-act',
    description: 'task_complete is checked on arrival but applied by a separate next event that does not check again',
  },
  {
    name: 'fail-report-drops-task',
    description: 'a task_failed gets no reply and the task vanishes from every listing',
    masks: ['retry-off-by-one', 'dead-letter-retry-keeps-generation', 'stats-miscount'],
  },
  { name: 'reassign-no-acceptance-timer', description: 'no acceptance timer is started for a re-assignment (generation > 1)' },
  {
    name: 'sweep-only-scheduling',
    description: 'no event runs a scheduling pass: each trigger waits for a scheduling sweep one second later',
  },
  { name: 'push-to-busy-agent', description: 'the hub pushes a task to an agent that is working on another' },
  {
    name: 'restart-without-listener',
    description: 'a restarted hub comes back without its HTTP and WebSocket listener',
    crashesHub: true,
  },
  {
    name: 'progress-crashes-hub',
    description: 'a task_progress report makes the hub stop at once, with no reply (the standalone hub exits 1)',
    crashesHub: true,
  },
  {
    name: 'stall-after-dead-letter',
    description: 'once a task is dead-lettered the hub answers nothing (HTTP or WebSocket) for 30 s, then goes on',
    crashesHub: true,
  },
  {
    name: 'priority-unchecked',
    description: 'a submitted priority that is not a string is taken as normal instead of refused',
    property: 'hostile-input',
  },
  {
    name: 'capabilities-unchecked',
    description: 'a needed_capabilities that is not a list of strings is saved, and every scheduling pass then throws',
    property: 'hostile-input',
  },
  {
    name: 'invalid-json-framework-body',
    description: 'an HTTP body that does not parse gets the web framework\'s 400 {"errors":{"detail":"Bad Request"}}, with no error field',
    property: 'hostile-input',
  },
  {
    name: 'restart-chokes-on-metadata',
    description: 'a restart refuses to load a saved task whose metadata holds anything but strings and numbers, and the hub stays down',
    property: 'hostile-input',
  },
  {
    name: 'result-crashes-socket',
    description: 'a task_complete whose result is not an object crashes the socket (closed 1011)',
    property: 'hostile-input',
  },
] as const;

export type FaultName = (typeof FAULT_CATALOGUE)[number]['name'];
export type FaultSet = ReadonlySet<FaultName>;

const KNOWN = new Set<string>(FAULT_CATALOGUE.map((fault) => fault.name));

function isFaultName(name: string): name is FaultName {
  return KNOWN.has(name);
}

/** Checks every name against the catalogue; throws on the first unknown one. */
export function parseFaults(names: readonly string[]): FaultSet {
  const faults = new Set<FaultName>();
  for (const name of names) {
    if (!isFaultName(name)) {
      throw new Error(`unknown fault "${name}" (known: ${[...KNOWN].join(', ')})`);
    }
    faults.add(name);
  }
  return faults;
}
