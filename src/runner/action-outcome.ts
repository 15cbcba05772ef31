/** What became of one action: `done`, or skipped with the reason (nothing to act on). */
export type ActionOutcome = { status: 'done' } | { status: 'skipped'; reason: string };

export const DONE: ActionOutcome = { status: 'done' };
export const skipped = (reason: string): ActionOutcome => ({ status: 'skipped', reason });
