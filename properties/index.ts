import type { PropertyFamily } from './family.js';
import { fencing } from './fencing.js';
import { hostileInput } from './hostile-input.js';
import { lifecycle } from './lifecycle.js';
import { recovery } from './recovery.js';
import { scheduling } from './scheduling.js';

export type { PropertyFamily };

export const PROPERTY_FAMILIES: readonly PropertyFamily[] = [lifecycle, fencing, scheduling, recovery, hostileInput];

export function findFamily(name: string): PropertyFamily | undefined {
  return PROPERTY_FAMILIES.find((family) => family.name === name);
}
