import type { ActionWeights } from './action-arbitraries.js';

/**
 * A property family: which actions to generate (and how often) and which
 * invariants judge the runs. Generators and judges stay apart: a family only
 * names invariants, the model owns them.
 */
export interface PropertyFamily {
  name: string;
  description: string;
  /** Invariant ids (I1…I10) this family checks. */
  invariants: readonly string[];
  weights: ActionWeights;
}
