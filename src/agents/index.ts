export { SimAgent } from './sim-agent.js';
export type {
  Behaviour,
  Capability,
  Frame,
  HeldTask,
  IdentifyOverrides,
  ReceivedTask,
  SimAgentOptions,
  WaitForFrameOptions,
} from './sim-agent.js';
export type { CloseCause, ConnectionEnd } from './connection.js';
export type { Transport, TransportCloseInfo, TransportFactory, TransportHandlers, TransportMessage } from './transport.js';
export { wsTransport } from './ws-transport.js';
