import { randomBytes } from 'node:crypto';
import type { TransportFactory } from '../agents/transport.js';
import { wsTransport } from '../agents/ws-transport.js';
import { undiciCarriage, type HttpCarriageFactory } from '../http/carriage.js';
import { systemClock, type Clock } from './clock.js';

/**
 * The world a run lives in: its clock, how agents' sockets and the HTTP
 * client reach the hub, and its randomness. The network world is the real
 * one; a simulated target brings its own, in which all of these are virtual
 * and seeded.
 */
export interface RunEnvironment {
  readonly clock: Clock;
  readonly transport: TransportFactory;
  readonly http: HttpCarriageFactory;
  /** `bytes` random bytes as lowercase hex. */
  randomHex(bytes: number): string;
}

export const networkEnvironment: RunEnvironment = {
  clock: systemClock,
  transport: wsTransport,
  http: undiciCarriage,
  randomHex: (bytes) => randomBytes(bytes).toString('hex'),
};
