/** Chats: one turn (model or search mode), the running turns, stored chats, markdown and usage. */
export { cardOf, runTurn } from './engine.js';
export type { TurnEvent } from './engine.js';
export { renderMarkdown } from './markdown.js';
export { createModel, modelInfo } from './model.js';
export type { ModelInfo } from './model.js';
export { RunRegistry } from './runs.js';
export {
  createChat,
  deleteChat,
  exportMarkdown,
  listChats,
  messagesOf,
  ownChat,
  toolCallsOf,
  updateChat,
} from './store.js';
export { usageReport, usageToday } from './usage.js';
