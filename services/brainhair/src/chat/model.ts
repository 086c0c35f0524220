/**
 * The language model from the settings, through the AI SDK's providers: any OpenAI-compatible
 * server (Ollama, vLLM, LM Studio: client data can stay on the MSP's own hardware), OpenAI or
 * Anthropic. No provider means search mode. The key is passed to the provider only; it is never
 * logged (the provider's settings object is not logged either).
 */
import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { LanguageModel } from 'ai';
import type { BrainhairConfig } from '../config.js';

export interface ModelInfo {
  provider: string;
  model: string;
  baseUrl: string | null;
}

export function createModel(config: BrainhairConfig, apiKey: string | undefined): LanguageModel | undefined {
  const base = config.BRAINHAIR_MODEL_BASE_URL;
  switch (config.BRAINHAIR_MODEL_PROVIDER) {
    case 'none':
      return undefined;
    case 'openai-compatible':
      return createOpenAICompatible({
        name: 'local',
        baseURL: base ?? '',
        includeUsage: true,
        ...(apiKey === undefined ? {} : { apiKey }),
      }).chatModel(config.BRAINHAIR_MODEL);
    case 'openai':
      return createOpenAI({
        ...(apiKey === undefined ? {} : { apiKey }),
        ...(base === undefined ? {} : { baseURL: base }),
      }).chat(config.BRAINHAIR_MODEL);
    case 'anthropic':
      return createAnthropic({
        ...(apiKey === undefined ? {} : { apiKey }),
        ...(base === undefined ? {} : { baseURL: base }),
      })(config.BRAINHAIR_MODEL);
  }
}

/** What the pages show about the model (never the key). */
export function modelInfo(config: BrainhairConfig): ModelInfo {
  return {
    provider: config.BRAINHAIR_MODEL_PROVIDER,
    model: config.BRAINHAIR_MODEL,
    baseUrl: config.BRAINHAIR_MODEL_BASE_URL ?? null,
  };
}
