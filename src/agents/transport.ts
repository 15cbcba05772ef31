/**
 * What a SimAgent needs from a connection, so the `ws` socket can be swapped
 * for an in-memory one in simulation.
 */

export type TransportMessage = { kind: 'text'; text: string } | { kind: 'binary'; data: Buffer };

export interface TransportCloseInfo {
  code: number;
  /** The peer's close reason; when connecting failed, why it failed. */
  reason: string;
}

export interface TransportHandlers {
  open(): void;
  message(message: TransportMessage): void;
  /**
   * Called exactly once: after `open` when an open connection ends for any
   * reason, or without `open` when connecting failed.
   */
  close(info: TransportCloseInfo): void;
}

export interface Transport {
  sendText(text: string): void;
  sendBinary(data: Uint8Array): void;
  /** Starts a clean close (close frame); `handlers.close` follows when it is done. */
  close(code?: number, reason?: string): void;
  /** Destroys the connection at once, no close frame; `handlers.close` follows. */
  kill(): void;
}

/** Starts connecting at once; events arrive through `handlers`, none before this returns. */
export type TransportFactory = (url: string, handlers: TransportHandlers) => Transport;
