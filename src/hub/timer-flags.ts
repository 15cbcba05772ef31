import { InvalidArgumentError, Option, type Command } from 'commander';
import { AGENTCOM_TIMERS, type TimerSettings } from './types.js';

/**
 * One command-line flag per hub timer, so every CLI (hub, fuzzer) spells a
 * setting the same way. Commander turns each flag into its `key`.
 */
export const TIMER_FLAGS: ReadonlyArray<{ key: keyof TimerSettings; flag: string; description: string }> = [
  { key: 'acceptanceMs', flag: '--acceptance-ms', description: 'acceptance timeout: an assigned task not accepted within this is reclaimed' },
  { key: 'overdueSweepMs', flag: '--overdue-sweep-ms', description: 'period of the sweep that reclaims tasks past complete_by' },
  { key: 'stuckSweepMs', flag: '--stuck-sweep-ms', description: 'period of the sweep that reclaims stuck tasks' },
  { key: 'stuckThresholdMs', flag: '--stuck-threshold-ms', description: 'an assigned task untouched this long is stuck' },
  { key: 'wsIdleMs', flag: '--ws-idle-ms', description: 'a WebSocket with no frame either way for this long is closed (1002)' },
];

function positiveMs(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) <= 0 || !Number.isSafeInteger(Number(value))) {
    throw new InvalidArgumentError(`expected a positive integer (milliseconds), got "${value}"`);
  }
  return Number(value);
}

/** With `defaults` null, a timer not given stays unset: a profile chosen at parse time fills it in. */
export function addTimerOptions(command: Command, defaults: Readonly<TimerSettings> | null = AGENTCOM_TIMERS): Command {
  for (const { key, flag, description } of TIMER_FLAGS) {
    const option = new Option(`${flag} <ms>`, description).argParser(positiveMs);
    command.addOption(defaults === null ? option : option.default(defaults[key]));
  }
  return command;
}

/** Only the timers given on the command line, for a caller whose defaults depend on the mode. */
export function explicitTimers(options: Readonly<Record<string, unknown>>): Partial<TimerSettings> {
  return Object.fromEntries(TIMER_FLAGS.flatMap(({ key }) => (typeof options[key] === 'number' ? [[key, options[key]]] : [])));
}

/** The timer settings out of parsed options; a timer not given takes its default. */
export function timersFromOptions(
  options: Readonly<Record<string, unknown>>,
  defaults: Readonly<TimerSettings> = AGENTCOM_TIMERS,
): TimerSettings {
  const timers = { ...defaults };
  for (const { key } of TIMER_FLAGS) {
    const value = options[key];
    if (typeof value === 'number') timers[key] = value;
  }
  return timers;
}
