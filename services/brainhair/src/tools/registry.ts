/**
 * The fixed, typed tool registry: the only things the model can ask brainhair to do. No shell,
 * no files, no web: each tool is a function over the platform's own APIs, called with the user's
 * own token. Read tools run when the model asks; write tools only *prepare* a change (what it
 * will do, before and after) which becomes an approval request the user decides on.
 */
import type { PermissionLevel, UserClaims } from '@hivematrix/sdk';
import type { z } from 'zod';
import type { PlatformClient, ServiceName, UpstreamError, UserCall } from '../platform/index.js';
import type { Strictness } from './redact.js';

export interface ToolContext {
  call: UserCall;
  user: UserClaims;
  /** The chat's client, if set: its compliance level decides the redaction. */
  companyAccount: string | null;
}

export interface ToolDeps {
  platform: PlatformClient;
}

/** A link shown with a result (search mode, tool summaries): a gateway path. */
export interface ResultLink {
  label: string;
  href: string;
}

export interface ReadResult {
  data: unknown;
  /** The result concerns a hipaa/cjis company even if its records do not say so. */
  strictness?: Strictness;
  links?: ResultLink[];
}

export interface ReadTool<I = unknown> {
  kind: 'read';
  name: string;
  description: string;
  input: z.ZodType<I>;
  run(input: I, ctx: ToolContext, deps: ToolDeps): Promise<ReadResult>;
}

/** The exact call an approval makes, fixed when the request is created. */
export interface PlannedRequest {
  service: ServiceName;
  method: 'POST' | 'PUT';
  path: string;
  body: unknown;
}

export interface WritePlan {
  summary: string;
  before: unknown;
  after: unknown;
  request: PlannedRequest;
}

export interface WriteTool<I = unknown> {
  kind: 'write';
  name: string;
  description: string;
  input: z.ZodType<I>;
  /**
   * The levels the target service lets make this change, when it lets some read what the change
   * is about (prepare would succeed for them and only the approval would fail). Others are not
   * offered the tool and are refused if they name it. Unset: the target refuses at prepare.
   */
  levels?: readonly PermissionLevel[];
  /** Reads the current state with the user's token and works out the change; changes nothing. */
  prepare(input: I, ctx: ToolContext, deps: ToolDeps): Promise<WritePlan>;
  /** What the user reads when the approved request failed (default: the service's own words). */
  explainFailure?(error: UpstreamError): string;
}

export type AnyTool = ReadTool<never> | WriteTool<never>;

/** Whether a user of `level` may use `tool` (read tools and unrestricted write tools: everyone). */
export const allowedFor = (tool: AnyTool, level: PermissionLevel): boolean =>
  tool.kind === 'read' || tool.levels === undefined || tool.levels.includes(level);

/** Declares a read tool with its input type inferred from the schema. */
export function readTool<S extends z.ZodType>(
  tool: Omit<ReadTool<z.infer<S>>, 'kind' | 'input'> & { input: S },
): ReadTool<never> {
  return { kind: 'read', ...tool } as unknown as ReadTool<never>;
}

/** Declares a write tool with its input type inferred from the schema. */
export function writeTool<S extends z.ZodType>(
  tool: Omit<WriteTool<z.infer<S>>, 'kind' | 'input'> & { input: S },
): WriteTool<never> {
  return { kind: 'write', ...tool } as unknown as WriteTool<never>;
}
