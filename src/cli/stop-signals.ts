/**
 * How the CLIs stop on a signal: the first SIGINT, SIGTERM or SIGHUP asks for
 * a clean stop; a later one quits at once. Exit codes follow the shell's
 * convention (128 + the signal's number).
 */
export const SIGNAL_EXIT_CODES = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 } as const;
export type StopSignal = keyof typeof SIGNAL_EXIT_CODES;

/** A second signal within this long of the first is the same one delivered twice, not a second request. */
const REPEATED_SIGNAL_MS = 1_000;

/**
 * Calls `stop` once, on the first stop signal. A signal more than a second
 * later exits at once with the first one's code. Returns which signal came
 * first, if any.
 */
export function onStopSignal(stop: (signal: StopSignal) => void): () => StopSignal | null {
  let received: StopSignal | null = null;
  let receivedAt = 0;
  for (const name of Object.keys(SIGNAL_EXIT_CODES) as StopSignal[]) {
    process.on(name, () => {
      if (received !== null) {
        // Ctrl-C reaches npm and its script both, and npm passes it on: the same signal twice at once is one.
        if (Date.now() - receivedAt < REPEATED_SIGNAL_MS) return;
        process.exit(SIGNAL_EXIT_CODES[received]);
      }
      received = name;
      receivedAt = Date.now();
      stop(name);
    });
  }
  return () => received;
}
