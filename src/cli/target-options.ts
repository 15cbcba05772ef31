/**
 * The fuzzer's target flags: the embedded hub (default) or `--hub URL`, the
 * timer profile and per-timer overrides, and the flags a replay command must
 * carry to reach the same target again.
 */
import { readFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import type { TimerSettings } from '../../models/history.js';
import { AGENTCOM_TIMERS } from '../hub/types.js';
import { addTimerOptions, TIMER_FLAGS, timersFromOptions } from '../hub/timer-flags.js';
import { quiesceDeadlineMs } from '../runner/quiesce.js';
import { defaultTimers, localTargets } from '../targets/choose.js';
import { FAST_TIMERS } from '../targets/embedded.js';
import { checkRemoteHub, remoteTargets, RemoteHubUnusable, resetRemoteHub } from '../targets/remote.js';
import type { TargetFactory } from '../targets/target.js';
import { exitWithUsageError } from './cli-support.js';
import { DEFAULT_RUN_TIMEOUT_MS } from './run-options.js';

export const PROFILES = { fast: FAST_TIMERS, agentcom: AGENTCOM_TIMERS } as const;
export type ProfileName = keyof typeof PROFILES;

/** Where the admin token for --hub comes from when no --token-file is given. */
export const TOKEN_ENV = 'AGENTCOM_TOKEN';

export interface TargetCliOptions {
  hub?: string;
  tokenFile?: string;
  profile?: ProfileName;
  restartCmd?: string;
  reset: boolean;
  fault: string[];
  sim: boolean;
  [timer: string]: unknown;
}

export interface ResolvedTargets {
  targets: TargetFactory;
  profile: ProfileName;
  /** Flags that reach the same hub again: --hub, --token-file, --restart-cmd (never the token). */
  targetFlags: string[];
  /** Flags that make the same hub behave the same: --fault, --profile, timers given explicitly. */
  behaviourFlags: string[];
}

export function addTargetOptions(cmd: Command): Command {
  cmd
    .addOption(new Option('--hub <url>', `fuzz a running AgentCom hub instead of an embedded one (admin token from ${TOKEN_ENV} or --token-file)`))
    .addOption(new Option('--token-file <file>', `with --hub: read the admin token from this file instead of ${TOKEN_ENV}`))
    .addOption(
      new Option('--profile <name>', "timer assumptions: fast (the embedded hub's; default) or agentcom (the real hub's; default with --hub)").choices(
        Object.keys(PROFILES),
      ),
    )
    .addOption(new Option('--restart-cmd <command>', 'with --hub: shell command that restarts the hub; enables hub-restart actions'))
    .addOption(new Option('--reset', "with --hub: POST /api/admin/reset before fuzzing (needs an admin agent's token)").default(false))
    .addOption(
      new Option('--sim', 'simulate: hub and agents in one process, virtual time, generated interleavings, network faults, exact replay').default(
        false,
      ),
    );
  return addTimerOptions(cmd, null);
}

/** A generous deadline for one run: the longest quiesce the timers allow, plus room for the actions. */
export function defaultRunTimeoutMs(timers: TimerSettings): number {
  return Math.max(DEFAULT_RUN_TIMEOUT_MS, quiesceDeadlineMs(timers) + 30_000);
}

function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}

function explicitTimerFlags(options: TargetCliOptions): string[] {
  return TIMER_FLAGS.flatMap(({ key, flag }) => (typeof options[key] === 'number' ? [`${flag} ${options[key]}`] : []));
}

async function readAdminToken(options: TargetCliOptions): Promise<string> {
  let token: string | undefined;
  if (options.tokenFile !== undefined) {
    token = await readFile(options.tokenFile, 'utf8').catch((error: NodeJS.ErrnoException) =>
      exitWithUsageError(`cannot read --token-file ${options.tokenFile}: ${error.code ?? error.message}`),
    );
  } else {
    token = process.env[TOKEN_ENV];
    if (token === undefined) exitWithUsageError(`--hub needs an admin token: set ${TOKEN_ENV} or pass --token-file FILE`);
  }
  const trimmed = token.trim();
  if (!/^\S+$/.test(trimmed)) exitWithUsageError(`the admin token (${options.tokenFile ?? TOKEN_ENV}) is empty or has spaces in it`);
  return trimmed;
}

function checkHubUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return exitWithUsageError(`--hub takes an http:// or https:// URL, got "${text}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') exitWithUsageError(`--hub takes an http:// or https:// URL, got "${text}"`);
  return text.replace(/\/+$/, '');
}

function rejectWithoutHub(options: TargetCliOptions): void {
  const remoteOnly: Array<[string, boolean]> = [
    ['--token-file', options.tokenFile !== undefined],
    ['--restart-cmd', options.restartCmd !== undefined],
    ['--reset', options.reset],
  ];
  for (const [flag, given] of remoteOnly) if (given) exitWithUsageError(`${flag} needs --hub`);
}

async function remoteFromOptions(hub: string, options: TargetCliOptions, timers: TimerSettings): Promise<TargetFactory> {
  if (options.fault.length > 0) {
    exitWithUsageError('--fault applies only to the embedded hub; start the hub at --hub with its own faults');
  }
  const url = checkHubUrl(hub);
  const adminToken = await readAdminToken(options);
  try {
    await checkRemoteHub(url, adminToken);
    if (options.reset) await resetRemoteHub(url, adminToken);
  } catch (error) {
    if (error instanceof RemoteHubUnusable) exitWithUsageError(error.message);
    throw error;
  }
  return remoteTargets({
    url,
    adminToken,
    timers,
    ...(options.restartCmd === undefined ? {} : { restartCommand: options.restartCmd }),
    onWarning: (message) => process.stderr.write(`warning: ${message}\n`),
  });
}

/**
 * The targets the options name. With --hub, checks the hub answers and takes
 * the token before returning; bad usage ends the process (exit 2). `saved`
 * replaces the timers and faults (replaying a failure file).
 */
export async function targetsFromOptions(
  options: TargetCliOptions,
  saved?: { timers: TimerSettings; faults: readonly string[]; sim?: boolean },
): Promise<ResolvedTargets> {
  const sim = saved?.sim ?? options.sim;
  if (sim && options.hub !== undefined) exitWithUsageError('--sim simulates our own hub; it cannot be combined with --hub');
  const profile: ProfileName = options.profile ?? (options.hub === undefined ? 'fast' : 'agentcom');
  const profileTimers = sim && options.profile === undefined ? defaultTimers(true) : PROFILES[profile];
  const timers = saved?.timers ?? timersFromOptions(options, profileTimers);
  const timerFlags = explicitTimerFlags(options);
  if (options.hub === undefined) {
    rejectWithoutHub(options);
    const faults = saved?.faults ?? options.fault;
    return {
      targets: localTargets({ sim, timers, faults }),
      profile,
      targetFlags: sim ? ['--sim'] : [],
      behaviourFlags: [
        ...faults.map((fault) => `--fault ${fault}`),
        ...(options.profile === undefined ? [] : [`--profile ${profile}`]),
        ...timerFlags,
      ],
    };
  }
  const targets = await remoteFromOptions(options.hub, options, timers);
  return {
    targets,
    profile,
    targetFlags: [
      `--hub ${shellQuote(options.hub)}`,
      ...(options.tokenFile === undefined ? [] : [`--token-file ${shellQuote(options.tokenFile)}`]),
      ...(options.restartCmd === undefined ? [] : [`--restart-cmd ${shellQuote(options.restartCmd)}`]),
    ],
    behaviourFlags: [`--profile ${profile}`, ...timerFlags],
  };
}
