import { redactText, redactTokens } from '../../http/redact.js';

/**
 * Everything the HTML report embeds passes through here: text loses its
 * tokens (as every report does) and then its markup, so neither a token nor
 * a frame that carries `<script>` can reach the page as such.
 */
export function html(text: string): string {
  return redactText(text)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/**
 * A JSON value for a `<script type="application/json">`: redacted, and with
 * `<`, `>`, `&` and the JavaScript line separators as \u escapes, so no
 * string inside can close the script element (`</script>`) or open a comment.
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(redactTokens(value))
    .replaceAll('<', '\\u003c')
    .replaceAll('>', '\\u003e')
    .replaceAll('&', '\\u0026')
    .replaceAll('\u2028', '\\u2028')
    .replaceAll('\u2029', '\\u2029');
}
