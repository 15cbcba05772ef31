// Child processes for the remote tests: the standalone hub (`npm run hub`)
// and the fuzz CLI, each spawned with a deadline, their output captured, and
// killed by `stopAll()` whatever happened.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { FAST_TIMERS } from '../../../src/targets/embedded.js';
import { TIMER_FLAGS } from '../../../src/hub/timer-flags.js';
import { RESTART_KIND_ENV } from '../../../src/targets/remote.js';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
/** `--import` takes it from any working directory, unlike the bare name `tsx`. */
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const HUB_START_MS = 20_000;

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface Child {
  proc: ChildProcess;
  stdout: string;
  stderr: string;
  exited: Promise<Exit>;
}

const children = new Set<Child>();
/** Process groups led by a child spawned detached: killed as a whole, whatever became of the leader. */
const groups = new Set<number>();

function leadsGroup(proc: ChildProcess): ChildProcess {
  if (proc.pid !== undefined) groups.add(proc.pid);
  return proc;
}

function track(proc: ChildProcess): Child {
  const started = Date.now();
  const child: Child = {
    proc,
    stdout: '',
    stderr: '',
    exited: new Promise((done) =>
      proc.once('exit', (code, signal) => {
        children.delete(child);
        // 'exit' can come before the last output chunk: let the pipes drain.
        setImmediate(() => done({ code, signal, stdout: child.stdout, stderr: child.stderr, ms: Date.now() - started }));
      }),
    ),
  };
  proc.stdout?.on('data', (chunk) => (child.stdout += String(chunk)));
  proc.stderr?.on('data', (chunk) => (child.stderr += String(chunk)));
  children.add(child);
  return child;
}

/** A scratch dir: the children's TMPDIR (tsx caches there), data dirs and working directory. */
export function scratchDir(): string {
  return mkdtempSync(join(tmpdir(), 'remote-test-'));
}

/** The fast profile as hub flags, so the child hub's timers are what `--profile fast` assumes. */
const FAST_TIMER_ARGS = TIMER_FLAGS.flatMap(({ key, flag }) => [flag, String(FAST_TIMERS[key])]);

function nodeArgs(script: string, args: readonly string[]): string[] {
  return ['--import', TSX, join(ROOT, script), ...args];
}

export interface Hub {
  url: string;
  port: number;
  dataDir: string;
  token: string;
  child: Child;
  /** Written by the restart script: the pid of the hub now serving, if it restarted. */
  pidFile: string;
  /** Its flags beyond port, data dir and timers (faults): a restart keeps them. */
  extraArgs: readonly string[];
}

export async function startHub(scratch: string, name: string, extraArgs: readonly string[] = []): Promise<Hub> {
  const dataDir = join(scratch, `${name}-data`);
  const args = nodeArgs('src/cli/hub.ts', ['--port', '0', '--data-dir', dataDir, ...FAST_TIMER_ARGS, ...extraArgs]);
  const child = track(spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, TMPDIR: scratch }, stdio: ['ignore', 'pipe', 'pipe'] }));
  const deadline = Date.now() + HUB_START_MS;
  for (;;) {
    const url = /http:\/\/127\.0\.0\.1:(\d+)/.exec(child.stdout);
    const tokenFile = /written to (\S+)/.exec(child.stdout)?.[1];
    if (url && tokenFile) {
      const token = readFileSync(tokenFile, 'utf8').trim();
      const pidFile = join(scratch, `${name}.pid`);
      writeFileSync(pidFile, `${child.proc.pid}\n`);
      return { url: url[0], port: Number(url[1]), dataDir, token, child, pidFile, extraArgs };
    }
    if (child.proc.exitCode !== null || Date.now() > deadline) {
      throw new Error(`the hub did not start; stdout: ${child.stdout} stderr: ${child.stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * A --restart-cmd for `hub`: stops the hub serving now (kill -9 when the
 * fuzzer asks for a crash; nothing to stop if it died by itself), waits for
 * it to be gone, and starts it again on the same port, data dir and faults,
 * writing the new pid where `stopAll` finds it.
 */
export function writeRestartScript(scratch: string, hub: Hub): string {
  const script = join(scratch, `restart-${hub.port}.sh`);
  const args = nodeArgs('src/cli/hub.ts', ['--port', String(hub.port), '--data-dir', hub.dataDir, ...FAST_TIMER_ARGS, ...hub.extraArgs]);
  writeFileSync(
    script,
    [
      'set -e',
      `pid=$(cat '${hub.pidFile}')`,
      `if [ "$${RESTART_KIND_ENV}" = crash ]; then kill -9 "$pid" || true; else kill "$pid" || true; fi`,
      // A zombie (nobody reaps it in some containers) is gone too.
      'for i in $(seq 200); do if [ ! -e "/proc/$pid" ] || grep -q ") Z" "/proc/$pid/stat"; then break; fi; sleep 0.05; done',
      `cd '${ROOT}'`,
      `TMPDIR='${scratch}' '${process.execPath}' ${args.map((a) => `'${a}'`).join(' ')} >> '${scratch}/restarted-${hub.port}.log' 2>&1 &`,
      `echo $! > '${hub.pidFile}'`,
      `echo restarted >> '${scratch}/restarts-${hub.port}'`,
    ].join('\n') + '\n',
  );
  return `sh ${script}`;
}

export function restartsOf(scratch: string, hub: Hub): number {
  try {
    return readFileSync(join(scratch, `restarts-${hub.port}`), 'utf8').split('\n').filter(Boolean).length;
  } catch {
    return 0;
  }
}

export interface FuzzOptions {
  cwd: string;
  /** AGENTCOM_TOKEN for the child; unset when not given. */
  token?: string;
}

function fuzzEnv(options: FuzzOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: options.cwd, NO_COLOR: '1' };
  if (options.token === undefined) delete env.AGENTCOM_TOKEN;
  else env.AGENTCOM_TOKEN = options.token;
  return env;
}

/** `npm run fuzz -- ARGS` as a child (node directly, so signals reach the fuzzer itself). */
export function spawnFuzz(args: readonly string[], options: FuzzOptions): Child {
  const proc = spawn(process.execPath, nodeArgs('src/cli/fuzz.ts', args), { cwd: options.cwd, env: fuzzEnv(options), stdio: ['ignore', 'pipe', 'pipe'] });
  return track(proc);
}

/**
 * `npm run SCRIPT -- ARGS` as a person or a CI job starts it: npm, a shell,
 * then node, in a process group of their own (signal them all with
 * `process.kill(-pid, …)`).
 */
export function spawnNpm(script: 'fuzz' | 'hub', args: readonly string[], options: FuzzOptions): Child {
  const npm = spawn('npm', ['run', '--silent', script, '--', ...args], { cwd: ROOT, env: fuzzEnv(options), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  return track(leadsGroup(npm));
}

/**
 * An entry point of package.json's `bin`, as a container or a supervisor starts it: one process, leading a
 * process group of its own (so a group signal reaches it and nothing of the test runner).
 */
export function spawnBin(name: 'agentcom-fuzz' | 'agentcom-hub', args: readonly string[], options: FuzzOptions): Child {
  const proc = spawn(process.execPath, [join(ROOT, 'bin', `${name}.js`), ...args], { cwd: options.cwd, env: fuzzEnv(options), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  return track(leadsGroup(proc));
}

/** Sends `signal` to the child's pid alone (as `timeout` or a container runtime does) or to its whole group. */
export function sendSignal(child: Child, signal: NodeJS.Signals, to: 'pid' | 'group'): void {
  const pid = child.proc.pid;
  if (pid === undefined) throw new Error('the child never started');
  process.kill(to === 'group' ? -pid : pid, signal);
}

/**
 * Resolves as soon as the child's stdout or stderr matches (checked on every chunk, so a signal sent next
 * lands the moment the line is out), or rejects at the deadline or its exit.
 */
export function printed(child: Child, pattern: RegExp, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (pattern.test(child.stdout + child.stderr)) finish();
    };
    const give = (): void => finish(new Error(`never printed ${pattern}; stdout: ${child.stdout} stderr: ${child.stderr}`));
    // Its last chunks may come after 'exit': read them before giving up.
    const exited = (): void => {
      setImmediate(() => {
        check();
        give();
      });
    };
    const timer = setTimeout(give, timeoutMs);
    let settled = false;
    const finish = (error?: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.proc.stdout?.off('data', check);
      child.proc.stderr?.off('data', check);
      child.proc.off('exit', exited);
      if (error === undefined) resolve();
      else reject(error);
    };
    child.proc.stdout?.on('data', check);
    child.proc.stderr?.on('data', check);
    child.proc.once('exit', exited);
    check();
    if (child.proc.exitCode !== null || child.proc.signalCode !== null) exited();
  });
}

/** Every process of a group is gone (signal 0 finds none). */
export function groupGone(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return false;
  } catch {
    return true;
  }
}

/** A printed replay command (`npm run fuzz -- …`), run through the shell as a person would paste it. */
export function spawnReplay(command: string, options: FuzzOptions): Child {
  const prefix = 'npm run fuzz -- ';
  if (!command.startsWith(prefix)) throw new Error(`not a replay command: ${command}`);
  const fuzz = nodeArgs('src/cli/fuzz.ts', []).map((a) => `'${a}'`).join(' ');
  const line = `exec '${process.execPath}' ${fuzz} ${command.slice(prefix.length)}`;
  return track(spawn('sh', ['-c', line], { cwd: options.cwd, env: fuzzEnv(options), stdio: ['ignore', 'pipe', 'pipe'] }));
}

/** Waits for the child's exit, killing it at the deadline. */
export async function finished(child: Child, timeoutMs: number): Promise<Exit> {
  const timer = setTimeout(() => child.proc.kill('SIGKILL'), timeoutMs);
  try {
    return await child.exited;
  } finally {
    clearTimeout(timer);
  }
}

function killPidFile(pidFile: string): void {
  try {
    process.kill(Number(readFileSync(pidFile, 'utf8').trim()), 'SIGKILL');
  } catch {
    // Never restarted, or already gone.
  }
}

/**
 * Kills every child still running and every process group a child was started to lead, even when its
 * leader already exited (npm gone, its node child left behind), then waits for each child to be gone.
 */
export async function killChildren(): Promise<void> {
  const running = [...children];
  for (const pgid of groups) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // The whole group is gone already.
    }
  }
  groups.clear();
  for (const child of running) child.proc.kill('SIGKILL');
  await Promise.all(running.map((child) => child.exited));
}

/** Kills every child still running and every hub a restart script started; removes the scratch dir. */
export async function stopAll(scratch: string, hubs: readonly Hub[]): Promise<void> {
  for (const hub of hubs) killPidFile(hub.pidFile);
  await killChildren();
  rmSync(scratch, { recursive: true, force: true });
}

export function summaryOf(exit: Exit): Record<string, unknown> & { failure: null | Record<string, unknown> } {
  try {
    return JSON.parse(exit.stdout) as Record<string, unknown> & { failure: null | Record<string, unknown> };
  } catch {
    throw new Error(`stdout is not one JSON document (exit ${exit.code}); stdout: ${exit.stdout} stderr: ${exit.stderr}`);
  }
}
