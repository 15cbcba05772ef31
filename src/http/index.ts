export { createHubClient, DEFAULT_HTTP_TIMEOUT_MS } from './client.js';
export type { HubClient, HubClientOptions, RawRequestOptions, RawResponse } from './client.js';
export { HubHttpError, HubUnreachableError } from './errors.js';
export { redactText, redactTokens } from './redact.js';
export type * from './types.js';
