/** The live board: the one shared cache that asks codex, and one screen's event stream of it. */
export { BoardSource } from './board-source.js';
export { streamBoard } from './stream.js';
