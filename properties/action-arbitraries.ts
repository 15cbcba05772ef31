import fc from 'fast-check';
import { behaviourArb } from './behaviour-arbitrary.js';
import { droppableArray } from './droppable-array.js';
import { freshSocketFrameArb, hostileRequestArb, ownSocketFrameArb } from './hostile-values.js';
import { SIMULATION_ONLY, type Action, type ActionKind, type PriorityInput, type StaleGeneration } from '../src/actions/action.js';

/** What the generators may draw from; fixed for the whole run. */
export interface GeneratorConfig {
  agents: number;
  capabilityPool: readonly string[];
  maxActions: number;
  /** False when the target cannot be restarted (a remote hub without --restart-cmd). */
  canRestart: boolean;
  /** The target is simulated: network faults can be played. */
  simulated: boolean;
}

/** Relative frequency of each action kind; a kind left out is never generated. */
export type ActionWeights = Partial<Record<ActionKind, number>>;

const WAITS_MS = [5, 40, 150, 350] as const;
/** Link delays stay well inside the model's reaction slack: slow, not broken. */
const LINK_DELAYS_MS = [20, 60, 150] as const;
const STALE: readonly StaleGeneration[] = ['minus-one', 'plus-one', 'zero', 'missing', 'as-string'];

function priorityArb(): fc.Arbitrary<PriorityInput> {
  return fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom<PriorityInput>('urgent', 'high', 'normal', 'low') },
    { weight: 1, arbitrary: fc.constantFrom<PriorityInput>('unknown-name', 0, 3, 7) },
  );
}

function agentCapabilitiesArb(pool: readonly string[]): fc.Arbitrary<string[]> {
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant<string[]>([...pool]) },
    { weight: 3, arbitrary: fc.subarray([...pool]) },
  );
}

function taskCapabilitiesArb(pool: readonly string[]): fc.Arbitrary<string[]> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant<string[]>([]) },
    { weight: 2, arbitrary: fc.subarray([...pool], { maxLength: 2 }) },
  );
}

function actionArbs(config: GeneratorConfig): Record<ActionKind, fc.Arbitrary<Action>> {
  const agent = fc.nat({ max: config.agents - 1 });
  const op = fc.constantFrom<'complete' | 'fail'>('complete', 'fail');
  return {
    connect: fc.record({
      kind: fc.constant('connect' as const),
      agent,
      capabilities: agentCapabilitiesArb(config.capabilityPool),
      behaviour: behaviourArb(),
    }),
    'identify-bad-token': fc.record({
      kind: fc.constant('identify-bad-token' as const),
      agent,
      token: fc.constantFrom<'wrong' | 'other-agent'>('wrong', 'other-agent'),
    }),
    'set-behaviour': fc.record({ kind: fc.constant('set-behaviour' as const), agent, behaviour: behaviourArb() }),
    'accept-late': fc.record({ kind: fc.constant('accept-late' as const), agent }),
    progress: fc.record({ kind: fc.constant('progress' as const), agent }),
    kill: fc.record({ kind: fc.constant('kill' as const), agent }),
    close: fc.record({ kind: fc.constant('close' as const), agent }),
    reconnect: fc.record({ kind: fc.constant('reconnect' as const), agent, keepOld: fc.boolean() }),
    recover: fc.record({
      kind: fc.constant('recover' as const),
      agent,
      task: fc.constantFrom<'held' | 'not-held'>('held', 'not-held'),
    }),
    'stale-generation': fc.record({
      kind: fc.constant('stale-generation' as const),
      op,
      generation: fc.constantFrom(...STALE),
    }),
    'foreign-task': fc.record({ kind: fc.constant('foreign-task' as const), op }),
    submit: fc.record({
      kind: fc.constant('submit' as const),
      priority: priorityArb(),
      capabilities: taskCapabilitiesArb(config.capabilityPool),
      // Mostly few retries, so failing agents reach the dead-letter store within a run.
      maxRetries: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 0, max: 2 }) }, fc.constantFrom(3, 4, 5)),
      completeBy: fc.oneof(
        { weight: 8, arbitrary: fc.constant<'none'>('none') },
        { weight: 1, arbitrary: fc.constantFrom<'past' | 'near'>('past', 'near') },
      ),
    }),
    'retry-dead-letter': fc.constant({ kind: 'retry-dead-letter' as const }),
    observe: fc.record({
      kind: fc.constant('observe' as const),
      view: fc.constantFrom<'tasks' | 'task' | 'stats' | 'dead-letter' | 'agents'>(
        'tasks',
        'task',
        'stats',
        'dead-letter',
        'agents',
      ),
    }),
    wait: fc.record({ kind: fc.constant('wait' as const), ms: fc.constantFrom(...WAITS_MS) }),
    'restart-hub': fc.record({ kind: fc.constant('restart-hub' as const), crash: fc.boolean() }),
    'delay-link': fc.record({ kind: fc.constant('delay-link' as const), agent, ms: fc.constantFrom(...LINK_DELAYS_MS) }),
    'drop-link': fc.record({ kind: fc.constant('drop-link' as const), agent }),
    'half-open': fc.record({ kind: fc.constant('half-open' as const), agent }),
    'hostile-http': fc.record({ kind: fc.constant('hostile-http' as const), request: hostileRequestArb() }),
    'hostile-ws': fc.oneof(
      fc.record({ kind: fc.constant('hostile-ws' as const), agent, socket: fc.constant('own' as const), frame: ownSocketFrameArb() }),
      fc.record({ kind: fc.constant('hostile-ws' as const), agent, socket: fc.constant('fresh' as const), frame: freshSocketFrameArb() }),
    ),
  };
}

/** One action, its kind drawn with its weight. */
export function actionArbitrary(config: GeneratorConfig, weights: ActionWeights): fc.Arbitrary<Action> {
  const arbs = actionArbs(config);
  const choices = (Object.entries(weights) as Array<[ActionKind, number]>)
    .filter(
      ([kind, weight]) =>
        weight > 0 && (config.canRestart || kind !== 'restart-hub') && (config.simulated || !SIMULATION_ONLY.has(kind)),
    )
    .map(([kind, weight]) => ({ weight, arbitrary: arbs[kind] }));
  if (choices.length === 0) throw new Error('a property family must enable at least one action kind');
  return fc.oneof(...choices);
}

/** A sequence of actions, each kind drawn with its weight. */
export function actionsArbitrary(config: GeneratorConfig, weights: ActionWeights): fc.Arbitrary<Action[]> {
  return droppableArray(actionArbitrary(config, weights), { minLength: 1, maxLength: config.maxActions });
}
