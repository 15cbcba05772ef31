// A worker thread starts without the TypeScript loader its parent may have (tsx, vitest): register it, then load the worker.
import { register } from 'tsx/esm/api';

register();
await import('./sim-worker.ts');
