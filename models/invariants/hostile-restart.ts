import type { Model } from '../model.js';
import { failedRestarts } from '../outages.js';
import { at, violation, type Violation } from './catalog.js';

/** H5: a hub restarted on its own data starts again: no saved record may keep it down. */
export function hostileRestart(model: Model): Violation[] {
  return failedRestarts(model.events).map((event) =>
    violation('H5', 'no-restart', `the hub did not start again on its own data at ${at(event.t)}: ${event.payload.error ?? 'no error recorded'}`, [event.seq]),
  );
}
