/**
 * File names inside KnowledgeTree's ZIP files. A title may hold characters file systems refuse
 * (`:`, `*`, `?`, `"`, `<`, `>`, `|`, `\`) and `%`; those are written as `%XX` and read back, so
 * a title survives the round trip. Links inside the Markdown are URL-encoded relative paths.
 */
export const FOLDER_META = '_folder.kt.yml';
export const ATTACHMENTS_SUFFIX = '.attachments';

export function encodeSegment(title: string): string {
  return title.replace(/[%\\:*?"<>|]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

export function decodeSegment(name: string): string {
  return name.replace(/%([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** A relative path as a Markdown link target (each segment URL-encoded). */
export function linkTarget(path: string): string {
  return path
    .split('/')
    .map((s) => encodeURIComponent(s))
    .join('/');
}
