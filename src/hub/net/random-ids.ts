import { randomBytes } from 'node:crypto';
import type { IdSource } from '../core/ids.js';

export const randomIds: IdSource = {
  taskId: () => `task-${randomBytes(8).toString('hex')}`,
  token: () => randomBytes(32).toString('hex'),
};
