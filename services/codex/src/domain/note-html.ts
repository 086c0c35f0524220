/**
 * A note typed as plain text, as the HTML a PSA expects (Freshservice's note `body` is HTML): every
 * character HTML gives a meaning to is escaped, so `<script>` arrives as text, and line breaks
 * become `<br>` so the note reads as it was typed.
 */
const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** `text` as escaped HTML with `<br>` for each line break (CRLF, CR or LF). */
export function plainTextToHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ENTITIES[char] ?? char).replace(/\r\n|\r|\n/g, '<br>');
}
