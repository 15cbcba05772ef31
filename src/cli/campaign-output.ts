import { saveFailure, type FailureFile } from '../reports/failure-file.js';
import { formatDiscovery, shrinkEndNote, shrinkStatus } from '../reports/discovery.js';
import type { HtmlFinding } from '../reports/html-timeline.js';
import type { ProgressLine } from '../reports/progress.js';
import type { CampaignEvent, Finding } from '../runner/findings.js';
import { agentNamesFor, type FuzzConfig } from '../runner/fuzz.js';

export interface CampaignOutputOptions {
  config: FuzzConfig;
  progress: ProgressLine;
  /** Blocks go to stdout in text mode; with --json stdout is the summary's alone, so they go to stderr. */
  json: boolean;
  verbose: boolean;
  shrinkBudgetS: number;
  /** Where findings are saved: the corpus, so that the next invocation replays them first. */
  failuresDir: string;
  /** Where a corpus entry that no longer fails is moved. */
  retire: (file: string) => Promise<string>;
}

/**
 * Listens to the campaign as it goes: the progress line, a block the moment a
 * run fails, the finding's file saved then and rewritten at every smaller
 * counterexample, so a fuzzer killed at any point leaves its best on disk.
 */
export class CampaignOutput {
  private readonly saved = new Map<Finding, string>();

  constructor(private readonly options: CampaignOutputOptions) {}

  savedTo(finding: Finding): string | null {
    return this.saved.get(finding) ?? finding.fromCorpus ?? null;
  }

  readonly onEvent = async (event: CampaignEvent): Promise<void> => {
    const { progress, verbose, json } = this.options;
    switch (event.type) {
      case 'run-end':
        if (verbose && !json) this.say(`run ${event.finished}: ${event.actions} actions, ${event.failed ? 'failed' : 'passed'}`);
        progress.update(event.finished, event.failed);
        return;
      case 'found':
        await this.save(event.finding);
        this.block(
          formatDiscovery(
            event.finding,
            agentNamesFor({ agents: event.finding.agents ?? this.options.config.agents }),
            this.savedTo(event.finding),
            event.finding.fromCorpus === undefined && event.finding.failure.path.indexOf(':') === -1 ? this.options.shrinkBudgetS : null,
          ),
        );
        return;
      case 'shrink-progress':
        progress.shrink(shrinkStatus(event.finding, event.attempts, event.length, event.elapsedMs));
        return;
      case 'shrunk':
        await this.save(event.finding);
        return;
      case 'shrink-end': {
        progress.shrink(null);
        await this.save(event.finding);
        const note = shrinkEndNote(event.finding, this.options.shrinkBudgetS);
        if (note !== null) this.say(note);
        return;
      }
      case 'hit':
        return;
      case 'corpus-fixed': {
        const moved = await this.options.retire(event.file);
        this.say(`corpus: ${event.file} no longer fails; moved to ${moved}`);
        return;
      }
      case 'notice':
        this.say(event.message);
        return;
    }
  };

  private say(line: string): void {
    this.options.progress.around(() => process.stderr.write(`${line}\n`));
  }

  private block(text: string): void {
    this.options.progress.around(() => (this.options.json ? process.stderr : process.stdout).write(`${text}\n`));
  }

  /** A corpus finding keeps its own file; every other one gets one at discovery, rewritten in place after. */
  private async save(finding: Finding): Promise<void> {
    if (finding.fromCorpus !== undefined) return;
    const name = await saveFailure(failureFileOf(this.options.config, finding), this.options.failuresDir, this.saved.get(finding));
    this.saved.set(finding, name);
  }
}

export function failureFileOf(config: FuzzConfig, finding: Finding): Omit<FailureFile, 'format' | 'createdAt'> {
  const { failure } = finding;
  return {
    property: config.family.name,
    seed: failure.seed,
    path: failure.path,
    agents: finding.agents ?? config.agents,
    maxActions: config.maxActions,
    faults: [...config.targets.faults],
    timers: config.targets.timers,
    ...(config.targets.kind === 'sim' ? { sim: true, schedule: failure.schedule } : {}),
    actions: failure.actions,
    outcomes: failure.outcomes,
    violations: failure.violations,
    history: failure.history,
  };
}

/** A finding as the HTML timeline draws it. */
export function htmlFindingOf(config: FuzzConfig, finding: Finding, replayCommands: string[], savedTo: string | null): HtmlFinding {
  const { failure } = finding;
  const origin = finding.fromCorpus === undefined ? `run ${finding.firstRun + 1}` : `the corpus (${finding.fromCorpus})`;
  return {
    heading: `Finding ${finding.number}: ${finding.buckets.join(', ')}, from ${origin}, ${finding.hits} run(s) hit it`,
    violations: failure.violations,
    actions: failure.actions,
    outcomes: failure.outcomes,
    agentIds: agentNamesFor({ agents: finding.agents ?? config.agents }),
    history: failure.history,
    trace: failure.trace,
    replayCommands,
    savedTo,
  };
}
