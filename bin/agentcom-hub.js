#!/usr/bin/env node
// The reference hub as one process (no npm, no tsx parent in between): a signal to this pid stops the hub itself.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/hub.ts');
