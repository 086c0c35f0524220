/**
 * A note typed as plain text, as the HTML a PSA expects (Freshservice's note `body` is HTML): every
 * character HTML gives a meaning to is escaped (escape-html, Express's own), so `<script>` arrives
 * as text, and line breaks become `<br>` so the note reads as it was typed.
 */
import escapeHtml from 'escape-html';

/** `text` as escaped HTML with `<br>` for each line break (CRLF, CR or LF). */
export function plainTextToHtml(text: string): string {
  return escapeHtml(text).replace(/\r\n|\r|\n/g, '<br>');
}
