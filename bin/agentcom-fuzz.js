#!/usr/bin/env node
// The fuzzer as one process (no npm, no tsx parent in between), so a signal sent to this pid by a supervisor,
// a container runtime or `timeout` reaches the fuzzer itself.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/fuzz.ts');
