/**
 * The one audited use of `dangerouslySetInnerHTML`: trusted data handed to the page's scripts as
 * inline JSON. Script content is not HTML-escaped by the browser, so the JSON itself must never
 * contain `</script>` or `<!--`; escaping `<`, `>` and `&` as `\u003c`, `\u003e`, `\u0026` keeps
 * the JSON identical for `JSON.parse` while making it inert as markup. U+2028/U+2029 are escaped
 * too, as they end a line in older JavaScript parsers.
 */
import type { JSX } from 'preact';

const UNSAFE_IN_SCRIPT: Readonly<Record<string, string>> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

/** JSON text safe to place inside a `<script>` element. `undefined` becomes `null`. */
export function serializeJsonForScript(data: unknown): string {
  const json = JSON.stringify(data) ?? 'null';
  return json.replace(/[<>&\u2028\u2029]/g, (char) => UNSAFE_IN_SCRIPT[char] ?? char);
}

export interface JsonScriptProps {
  /** The element id scripts read it by: `JSON.parse(document.getElementById(id).textContent)`. */
  id: string;
  /** Any JSON-serialisable value. */
  data: unknown;
}

/** `<script type="application/json" id=…>` holding `data`; not executed, and CSP-neutral. */
export function JsonScript({ id, data }: JsonScriptProps): JSX.Element {
  return <script type="application/json" id={id} dangerouslySetInnerHTML={{ __html: serializeJsonForScript(data) }} />;
}
