/** The fixed tool registry the model may call: read tools, write tools (which only prepare a change), redaction. */
export { READ_TOOLS } from './read-tools.js';
export { Redactor } from './redact.js';
export type { Strictness } from './redact.js';
export { allowedFor } from './registry.js';
export type { AnyTool, ResultLink, ToolContext, WritePlan, WriteTool } from './registry.js';
export { WRITE_TOOLS } from './write-tools.js';
