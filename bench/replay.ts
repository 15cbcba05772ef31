import { playOnce, type Failure, type FuzzConfig } from '../src/runner/fuzz.js';

/**
 * How many of `replays` plays of a shrunk counterexample reproduce it: in
 * simulation the very same history, over the network (where the OS orders
 * events) a violation of one of the same invariants.
 */
export async function countReplays(config: FuzzConfig, failure: Failure, replays: number): Promise<number> {
  const simulated = config.targets.kind === 'sim';
  let reproduced = 0;
  for (let i = 0; i < replays; i++) {
    const { violations, result } = await playOnce(config, failure.seed, failure.actions, failure.schedule);
    const same = simulated
      ? JSON.stringify(result.history) === JSON.stringify(failure.history)
      : violations.some((v) => failure.violations.some((f) => f.invariant === v.invariant));
    if (same && violations.length > 0) reproduced++;
  }
  return reproduced;
}
