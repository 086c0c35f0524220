/**
 * The tools as the AI SDK sees them, their JSON Schemas converted from zod once per tool rather
 * than on every turn: converting the tools (16 when measured) cost about 2.6 ms of CPU, so 50 chats starting
 * together spent ~130 ms on it, delaying each other's first tokens (bench/brainhair.ts). The zod
 * schema still validates every call (here for the SDK, and again in the tool runner).
 */
import { jsonSchema, type Schema } from 'ai';
import { z } from 'zod';
import type { AnyTool } from '../tools/index.js';

const cache = new WeakMap<AnyTool, Schema<unknown>>();

/** The AI SDK input schema of a tool (memoised per tool object). */
export function inputSchemaOf(tool: AnyTool): Schema<unknown> {
  let schema = cache.get(tool);
  if (schema === undefined) {
    const json = z.toJSONSchema(tool.input, { io: 'input', unrepresentable: 'any' });
    schema = jsonSchema<unknown>(json as Parameters<typeof jsonSchema>[0], {
      validate: (value) => {
        const parsed = tool.input.safeParse(value);
        return parsed.success ? { success: true, value: parsed.data } : { success: false, error: parsed.error };
      },
    });
    cache.set(tool, schema);
  }
  return schema;
}
