/**
 * `npm run bench:faults -- --together`: one hub with K faults at once, as a
 * real hub often has, and one `--keep-going` invocation per seed. A finding
 * is credited to a fault when its shrunk counterexample, replayed on a hub
 * with that fault alone, fails again in one of the finding's own buckets.
 */
import { bucketOf } from '../models/check.js';
import type { PropertyFamily } from '../properties/index.js';
import { FAULT_CATALOGUE } from '../src/hub/faults/catalogue.js';
import type { Finding } from '../src/runner/findings.js';
import { fuzz, playOnce, type FuzzConfig } from '../src/runner/fuzz.js';
import { localTargets, type LocalTargetOptions } from '../src/targets/choose.js';

/** Over the network the OS orders events, so a replay gets a few tries before a fault is denied the credit. */
const NETWORK_TRIES = 3;

/**
 * Faults the lifecycle family reaches that leave the hub up, the ones a hub
 * can have several of at once, less those another of them masks (their
 * branch is never reached with it on: no hub can show both).
 */
export function togetherFaults(): string[] {
  const candidates = FAULT_CATALOGUE.filter((fault) => !('property' in fault) && !('crashesHub' in fault));
  const masked = new Set<string>(candidates.flatMap((fault) => ('masks' in fault ? [...fault.masks] : [])));
  return candidates.map((fault) => fault.name).filter((name) => !masked.has(name));
}

export interface SeedFigures {
  seed: number;
  findings: number;
  credited: string[];
  /** The most findings credited to one fault and no other: one defect split into that many findings. */
  maxSplit: number;
  uncredited: number;
  wallSeconds: number;
  /** Each finding: its buckets, first run, hits, shrunk length and the faults it was credited to. */
  detail: Array<{ buckets: string[]; firstRun: number; hits: number; actions: number; credited: string[] }>;
}

async function reproducesAlone(config: FuzzConfig, finding: Finding, fault: string, timers: LocalTargetOptions['timers']): Promise<boolean> {
  const sim = config.targets.kind === 'sim';
  const alone = { ...config, agents: finding.agents ?? config.agents, targets: localTargets({ sim, timers, faults: [fault] }) };
  const wanted = new Set(finding.buckets);
  for (let attempt = 0; attempt < (sim ? 1 : NETWORK_TRIES); attempt++) {
    const { violations } = await playOnce(alone, finding.failure.seed, finding.failure.actions, finding.failure.schedule);
    if (violations.some((v) => wanted.has(bucketOf(v)))) return true;
  }
  return false;
}

async function faultsReproducingAlone(config: FuzzConfig, finding: Finding, faults: readonly string[], timers: LocalTargetOptions['timers']): Promise<string[]> {
  const verdicts = new Array<boolean>(faults.length).fill(false);
  let next = 0;
  const slot = async (): Promise<void> => {
    for (let i = next++; i < faults.length; i = next++) verdicts[i] = await reproducesAlone(config, finding, faults[i] as string, timers);
  };
  await Promise.all(Array.from({ length: Math.max(1, config.jobs ?? 1) }, slot));
  return faults.filter((_, i) => verdicts[i]);
}

export async function measureSeed(
  base: Omit<FuzzConfig, 'seed' | 'targets'>,
  family: PropertyFamily,
  sim: boolean,
  faults: readonly string[],
  seed: number,
  timers: LocalTargetOptions['timers'],
): Promise<SeedFigures> {
  const started = Date.now();
  // No cap on findings: the question is how many of the K defects one invocation tells apart.
  const config: FuzzConfig = { ...base, family, seed, keepGoing: true, maxFindings: Number.MAX_SAFE_INTEGER, targets: localTargets({ sim, timers, faults }) };
  const outcome = await fuzz(config);
  const detail: SeedFigures['detail'] = [];
  for (const finding of outcome.findings) {
    // Each fault's replay has a hub of its own, so they play at once, as many as --jobs.
    const alone = await faultsReproducingAlone(config, finding, faults, timers);
    detail.push({ buckets: finding.buckets, firstRun: finding.firstRun, hits: finding.hits, actions: finding.failure.actions.length, credited: alone });
  }
  const soleCredits = new Map<string, number>();
  for (const { credited: [only, ...others] } of detail) if (only !== undefined && others.length === 0) soleCredits.set(only, (soleCredits.get(only) ?? 0) + 1);
  return {
    seed,
    findings: detail.length,
    credited: [...new Set(detail.flatMap((d) => d.credited))].sort(),
    maxSplit: Math.max(0, ...soleCredits.values()),
    uncredited: detail.filter((d) => d.credited.length === 0).length,
    wallSeconds: Math.round((Date.now() - started) / 100) / 10,
    detail,
  };
}

export function formatSeed(figures: SeedFigures, k: number): string {
  return (
    `seed ${String(figures.seed).padEnd(4)} ${String(figures.credited.length).padStart(2)}/${k} faults credited, ` +
    `${figures.findings} findings (${figures.uncredited} uncredited), most findings of one fault alone ${figures.maxSplit}, ` +
    `${figures.wallSeconds} s: ${figures.credited.join(' ')}`
  );
}
