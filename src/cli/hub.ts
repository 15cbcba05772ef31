/**
 * `npm run hub`: the reference hub as a standalone process. Prints its URL
 * and where the admin token was written (mode 0600), never the token.
 */
import { chmod, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { FAULT_CATALOGUE } from '../hub/faults/catalogue.js';
import { startHub } from '../hub/index.js';
import { addTimerOptions, timersFromOptions } from '../hub/timer-flags.js';
import { exitWithUsageError, integerOption, repeatableChoice, runCli } from './cli-support.js';
import { onStopSignal, SIGNAL_EXIT_CODES } from './stop-signals.js';

interface HubCliOptions {
  host: string;
  port: number;
  dataDir?: string;
  fault: string[];
  adminTokenFile?: string;
  [timer: string]: unknown;
}

const FAULT_NAMES = FAULT_CATALOGUE.map((fault) => fault.name);
/** A stop waits this long at most (a start stuck on its data dir, a socket that never closes), then exits anyway. */
const STOP_DEADLINE_MS = 5_000;

function program(): Command {
  const cmd = new Command('hub')
    .description('Run the agentcom-fuzz reference AgentCom hub (HTTP API and WebSocket /ws on one port).')
    .addOption(new Option('--host <host>', 'loopback address to bind').default('127.0.0.1'))
    .addOption(new Option('--port <n>', 'port (0 picks a free one)').argParser(integerOption(0, 65_535)).default(4000))
    .addOption(new Option('--data-dir <dir>', 'state directory (default: a temp dir removed on exit)'))
    .addOption(
      new Option('--fault <name>', 'enable a deliberate defect (repeatable)').argParser(repeatableChoice(FAULT_NAMES)).default([]),
    )
    .addOption(new Option('--admin-token-file <file>', 'where to write the admin token (default DATA_DIR/admin-token)'));
  addTimerOptions(cmd);
  cmd.addHelpText('after', `\nFaults:\n${FAULT_CATALOGUE.map((f) => `  ${f.name.padEnd(36)} ${f.description}`).join('\n')}`);
  cmd.addHelpText(
    'after',
    '\nExit codes: 129/130/143 stopped cleanly by SIGHUP/SIGINT/SIGTERM, 1 crashed (fault progress-crashes-hub) or could not stop, 2 bad usage.',
  );
  return cmd;
}

async function writeSecret(file: string, secret: string): Promise<void> {
  await writeFile(file, `${secret}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
}

async function main(argv: string[]): Promise<void> {
  const options = runCli(program(), argv).opts<HubCliOptions>();
  const starting = startHub({
    host: options.host,
    port: options.port,
    dataDir: options.dataDir === undefined ? undefined : resolve(options.dataDir),
    faults: options.fault,
    timers: timersFromOptions(options),
    onCrash: () => {
      process.stderr.write('agentcom hub: crashed (a deliberate defect); exiting with 1\n');
      process.exit(1);
    },
  }).catch((error: unknown) => exitWithUsageError((error as Error).message));
  // A supervisor stops it with SIGTERM, a terminal with SIGINT or SIGHUP: sockets closed, the log flushed, a temp
  // data dir removed, then the signal's exit code, so whoever sent it can tell a clean stop from a crash (exit 1).
  // Listening from the start: a signal sent while it starts, or the moment the banner is read, still stops it so.
  onStopSignal((signal) => {
    setTimeout(() => {
      process.stderr.write(`agentcom hub: not stopped within ${STOP_DEADLINE_MS} ms of ${signal}; exiting anyway\n`);
      process.exit(SIGNAL_EXIT_CODES[signal]);
    }, STOP_DEADLINE_MS);
    void starting
      .then((hub) => hub.stop())
      .then(
        () => process.exit(SIGNAL_EXIT_CODES[signal]),
        (error: unknown) => {
          process.stderr.write(`error while stopping: ${(error as Error).message}\n`);
          process.exit(1);
        },
      );
  });
  const hub = await starting;

  const tokenFile = resolve(options.adminTokenFile ?? join(hub.dataDir, 'admin-token'));
  try {
    await writeSecret(tokenFile, hub.adminToken);
  } catch (error) {
    await hub.stop();
    exitWithUsageError(`cannot write the admin token file: ${(error as Error).message}`);
  }
  // One write: a script reading the pipe sees the URL and the token file together, never one without the other.
  const banner = [
    `AgentCom reference hub listening on ${hub.url} (WebSocket ${hub.wsUrl})`,
    `admin token (agent_id "admin") written to ${tokenFile}`,
    ...(options.fault.length > 0 ? [`faults enabled: ${options.fault.join(', ')}`] : []),
  ];
  process.stdout.write(`${banner.join('\n')}\n`);
}

void main(process.argv.slice(2));
