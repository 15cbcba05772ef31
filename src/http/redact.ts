/**
 * Hub tokens are 64 lowercase hex characters. Histories and error messages end
 * up in printed reports, so every recorded string loses its tokens here; the
 * first 8 characters stay (as the hub's own token listing shows them) so a
 * reader can still tell which token was used where.
 */
const TOKEN = /[0-9a-f]{64}/g;

export function redactText(text: string): string {
  // Most recorded strings (keys, ids, statuses) are shorter than a token: no scan for those.
  return text.length < 64 ? text : text.replace(TOKEN, (token) => `redacted:${token.slice(0, 8)}`);
}

/** A copy of a JSON value with every token in every string redacted. */
export function redactTokens(value: unknown): unknown {
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map(redactTokens);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) out[redactText(key)] = redactTokens(inner);
    return out;
  }
  return value;
}
