// Types of kt-markdown.js (a browser module served as is), for the tests that import it.
export function emptyTable(columns: number | string, rows: number | string): string;
export function tableFromText(text: string): string | undefined;
export function fencedBlock(code: string, language?: string): string;
export function toggleTasks(text: string): string;
