// The campaign: findings bucketed by the model, shrinking that never slips, budgets and stops that keep the best so far.
import { describe, expect, it } from 'vitest';
import { bucketOf } from '../../models/check.js';
import { fuzz, type FuzzConfig } from '../../src/runner/fuzz.js';
import type { CampaignEvent } from '../../src/runner/findings.js';
import { fencing } from '../../properties/fencing.js';
import { localTargets } from '../../src/targets/choose.js';
import { simConfig } from '../support/sim-config.js';

const TWO_FAULTS = ['priority-lifo', 'unfenced-complete'];

function events(config: FuzzConfig): { config: FuzzConfig; seen: CampaignEvent[] } {
  const seen: CampaignEvent[] = [];
  return { config: { ...config, onEvent: (event) => void seen.push(event) }, seen };
}

describe('a campaign in simulation', () => {
  it('stops at the first finding without --keep-going, and the finding breaks the buckets it was opened for', async () => {
    const { config, seen } = events(simConfig(TWO_FAULTS, 300, 5));
    const outcome = await fuzz(config);
    expect(outcome.findings).toHaveLength(1);
    const [finding] = outcome.findings;
    expect(finding?.failure.violations.some((v) => finding.buckets.includes(bucketOf(v)))).toBe(true);
    expect(outcome.runs).toBe((finding?.firstRun ?? -2) + 1);
    expect(seen.map((e) => e.type).filter((t) => t === 'found' || t === 'shrink-end')).toEqual(['found', 'shrink-end']);
  });

  it('with --keep-going reports each distinct defect once, counting the runs that hit it again', async () => {
    const outcome = await fuzz({ ...simConfig(TWO_FAULTS, 600, 5), keepGoing: true });
    expect(outcome.findings.length).toBeGreaterThanOrEqual(2);
    const buckets = outcome.findings.flatMap((f) => f.buckets);
    expect(new Set(buckets).size).toBe(buckets.length);
    const invariants = new Set(outcome.findings.flatMap((f) => f.failure.violations.map((v) => v.invariant)));
    expect(invariants).toContain('I5');
    expect(invariants).toContain('I3');
    expect(outcome.findings.reduce((sum, f) => sum + f.hits, 0)).toBeGreaterThan(outcome.findings.length);
    for (const finding of outcome.findings) {
      expect(finding.shrinkEnd).toBe('done');
      expect(finding.failure.violations.some((v) => finding.buckets.includes(bucketOf(v)))).toBe(true);
    }
  });

  it('a bucket a shrunk counterexample shows is held from then on, so no later run opens a second finding for it', async () => {
    // Seed 8: the generation a crash forgot, shrunk, also shows the completion it forgot; a later run showing only that is a hit.
    const outcome = await fuzz({ ...simConfig(['ack-before-persist', 'unfenced-complete', 'sweep-only-scheduling'], 300, 8), keepGoing: true });
    const held = new Set<string>();
    for (const finding of outcome.findings) {
      for (const bucket of finding.buckets) held.add(bucket);
      expect(finding.failure.violations.map(bucketOf).filter((bucket) => !held.has(bucket))).toEqual([]);
    }
    expect(outcome.findings.find((f) => f.buckets.includes('I9/terminal-undone'))?.buckets).toContain('I9/generation-regressed');
  });

  it('each finding replays alone from its seed and path (with --jobs 1)', async () => {
    const outcome = await fuzz({ ...simConfig(TWO_FAULTS, 600, 5), keepGoing: true, jobs: 2 });
    expect(outcome.findings.length).toBeGreaterThanOrEqual(2);
    for (const finding of outcome.findings) {
      const replayed = await fuzz({ ...simConfig(TWO_FAULTS, 1, finding.failure.seed), path: finding.failure.path, jobs: 1 });
      expect(replayed.findings[0]?.failure.actions).toEqual(finding.failure.actions);
      expect(replayed.findings[0]?.failure.history).toEqual(finding.failure.history);
    }
  });

  it('reports every smaller counterexample as shrinking finds it, each with fewer or equal actions', async () => {
    const { config, seen } = events(simConfig(['unfenced-complete'], 300, 3));
    const outcome = await fuzz(config);
    const lengths = seen.flatMap((e) => (e.type === 'shrunk' ? [e.finding.failure.actions.length] : []));
    expect(lengths.length).toBeGreaterThan(0);
    expect([...lengths].sort((a, b) => b - a)).toEqual(lengths);
    expect(outcome.findings[0]?.failure.actions.length).toBe(lengths.at(-1));
  });

  it('a shrink budget that runs out reports the best so far, still failing the same way', async () => {
    const outcome = await fuzz({ ...simConfig(['unfenced-complete'], 300, 3), shrinkBudgetMs: 1 });
    const [finding] = outcome.findings;
    expect(finding?.shrinkEnd).toBe('budget');
    expect(finding?.failure.violations.some((v) => finding.buckets.includes(bucketOf(v)))).toBe(true);
  });

  it('a signal while shrinking stops it and keeps the finding', async () => {
    const stop = new AbortController();
    const config: FuzzConfig = {
      ...simConfig(['unfenced-complete'], 300, 3),
      signal: stop.signal,
      onEvent: (event) => {
        if (event.type === 'shrink-progress' && event.attempts === 3) stop.abort();
      },
    };
    const outcome = await fuzz(config);
    expect(outcome.interrupted).toBe(true);
    expect(outcome.findings[0]?.shrinkEnd).toBe('interrupted');
    expect(outcome.findings[0]?.shrinkAttempts).toBe(3);
  });

  it('--jobs 2 on worker threads finds what --jobs 1 finds, and passes the correct hub', async () => {
    const clean = await fuzz({ ...simConfig([], 400, 11), jobs: 2 });
    expect(clean.ok).toBe(true);
    expect(clean.runs).toBe(400);
    const found = await fuzz({ ...simConfig(['priority-lifo'], 400, 11), jobs: 2 });
    expect(found.findings[0]?.failure.violations.map((v) => v.invariant)).toContain('I5');
  });

  it('over the network a shrink candidate ends once a chased safety bucket shows: no wait for the slow timers', async () => {
    // Acceptance after 8 s: a candidate that waited for the timers would take that long each.
    const targets = localTargets({ sim: false, timers: { acceptanceMs: 8_000, stuckThresholdMs: 100_000 }, faults: ['unfenced-complete'] });
    const started = Date.now();
    const outcome = await fuzz({ family: fencing, runs: 100, seed: 3, agents: 3, maxActions: 20, timeoutPerRunMs: 120_000, jobs: 4, targets });
    const [finding] = outcome.findings;
    expect(finding?.buckets).toContain('I3/stale-report');
    expect(finding?.shrinkAttempts).toBeGreaterThan(3);
    const phases = finding?.failure.history.flatMap((e) => (e.kind === 'phase' ? [e.payload.name] : []));
    expect(phases).not.toContain('snapshot');
    expect(Date.now() - started).toBeLessThan(45_000);
  }, 120_000);
});
