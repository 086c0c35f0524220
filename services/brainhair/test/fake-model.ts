/**
 * A scripted OpenAI-compatible server on port 0: `POST /v1/chat/completions` with `stream: true`
 * answers in the documented chunk format (`chat.completion.chunk` deltas, tool calls with
 * `function.arguments`, a usage chunk, `data: [DONE]`). Each request's body is recorded, so tests
 * assert on exactly what the model received. No network, no real provider.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ScriptedStep {
  text?: string[];
  toolCalls?: { name: string; args: unknown }[];
  /** Milliseconds between chunks (the stop test uses a slow model). */
  delayMs?: number;
}

export interface ChatRequestBody {
  model: string;
  messages: { role: string; content: unknown; tool_calls?: unknown[]; tool_call_id?: string }[];
  tools?: { function: { name: string } }[];
  stream?: boolean;
}

export interface FakeModel {
  url: string;
  requests: ChatRequestBody[];
  /** Connections the client closed before the answer ended (a stop reached the model). */
  aborted: number;
  /** Sets the script: called with each request and its step within the turn (0 = first call after the user's message). */
  script(fn: (body: ChatRequestBody, index: number) => ScriptedStep): void;
  /** Called when the first text piece of an answer is written (benchmarks time the hop from here). */
  onFirstText(fn: ((body: ChatRequestBody, at: number) => void) | undefined): void;
  /** Every message text the model received, joined (for "what the model saw" assertions). */
  seen(): string;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startFakeModel(): Promise<FakeModel> {
  let scriptFn: (body: ChatRequestBody, index: number) => ScriptedStep = () => ({ text: ['ok'] });
  let firstText: ((body: ChatRequestBody, at: number) => void) | undefined;
  const requests: ChatRequestBody[] = [];
  const state = { aborted: 0 };
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      void (async () => {
        if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
          res.writeHead(404).end();
          return;
        }
        const body = JSON.parse(raw) as ChatRequestBody;
        const index = requests.length;
        requests.push(body);
        const step = scriptFn(body, stepOfTurn(body));
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        let closed = false;
        res.on('close', () => {
          if (!res.writableFinished) {
            closed = true;
            state.aborted += 1;
          }
        });
        const chunk = (delta: unknown, finish: string | null = null) =>
          `data: ${JSON.stringify({ id: `chatcmpl-${index}`, object: 'chat.completion.chunk', created: 1_700_000_000, model: body.model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
        res.write(chunk({ role: 'assistant', content: '' }));
        let first = true;
        for (const piece of step.text ?? []) {
          if (step.delayMs && !first) await sleep(step.delayMs);
          if (closed) return;
          res.write(chunk({ content: piece }));
          if (first) firstText?.(body, performance.now());
          first = false;
        }
        (step.toolCalls ?? []).forEach((call, i) => {
          res.write(
            chunk({
              tool_calls: [
                {
                  index: i,
                  id: `call_${index}_${i}`,
                  type: 'function',
                  function: { name: call.name, arguments: JSON.stringify(call.args) },
                },
              ],
            }),
          );
        });
        res.write(chunk({}, step.toolCalls?.length ? 'tool_calls' : 'stop'));
        res.write(
          `data: ${JSON.stringify({ id: `chatcmpl-${index}`, object: 'chat.completion.chunk', created: 1_700_000_000, model: body.model, choices: [], usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 } })}\n\n`,
        );
        res.end('data: [DONE]\n\n');
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    get aborted() {
      return state.aborted;
    },
    script(fn) {
      scriptFn = fn;
    },
    onFirstText(fn) {
      firstText = fn;
    },
    seen() {
      return requests.map((r) => JSON.stringify(r.messages)).join('\n');
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** How many assistant messages follow the last user message: the step of the current turn. */
function stepOfTurn(body: ChatRequestBody): number {
  const lastUser = body.messages.map((m) => m.role).lastIndexOf('user');
  return body.messages.slice(lastUser + 1).filter((m) => m.role === 'assistant').length;
}

/** The last message of a request when it is a tool result (what the tool gave the model). */
export function lastToolResult(body: ChatRequestBody): string {
  const last = body.messages.at(-1);
  return last?.role === 'tool'
    ? String(typeof last.content === 'string' ? last.content : JSON.stringify(last.content))
    : '';
}
