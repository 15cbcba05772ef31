import { isIP } from 'node:net';

/** The host to bind, or an error: the hub serves loopback only. */
export function loopbackHost(host: string): string {
  if (host === 'localhost') return '127.0.0.1';
  if ((isIP(host) === 4 && host.startsWith('127.')) || host === '::1') return host;
  throw new Error(`refusing to bind ${JSON.stringify(host)}: the hub binds loopback addresses only (127.0.0.1, ::1)`);
}

export function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
