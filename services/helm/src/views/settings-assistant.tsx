/**
 * The assistant card of the settings page: brainhair's model provider, model, base URL and API
 * key. The key field is write-only: it is never filled in (not even after a refused save), the
 * page says only whether a key is stored and in which file.
 */
import type { JSX } from 'preact';
import { Card, Checkbox, SelectField, TextField } from '@hivematrix/sdk/html';
import { ASSISTANT_FIELDS, ASSISTANT_PROVIDERS } from '../settings/index.js';
import type { AssistantView } from '../settings/index.js';

const PROVIDER_LABELS: Record<(typeof ASSISTANT_PROVIDERS)[number], string> = {
  none: 'None (search mode: the read tools without a model)',
  'openai-compatible': 'OpenAI-compatible server (Ollama, vLLM, LM Studio)',
  openai: 'OpenAI',
  anthropic: 'Anthropic',
};

/** The card; `values` is a refused form as typed (its key is ignored), `errors` by field name. */
export function AssistantSettings(props: {
  current: AssistantView;
  values?: Record<string, unknown> | undefined;
  errors?: Record<string, string> | undefined;
}): JSX.Element {
  const { current } = props;
  const shown = (name: string, fallback: string): string => {
    const typed = props.values?.[name];
    return typeof typed === 'string' ? typed : fallback;
  };
  const keyHint =
    current.keyFile === undefined
      ? 'No key is stored. Type one to store it in a file only the platform can read (mode 600); it is never shown again.'
      : `A key is stored in ${current.keyFile}; it is never shown. Type a new one to replace it, or leave this empty to keep it.`;
  return (
    <Card title="Assistant (brainhair)">
      <p>
        The language model brainhair uses. Saving regenerates brainhair's configuration; brainhair runs on the previous
        one until it is restarted (the page then offers the restart).
      </p>
      <SelectField
        name={ASSISTANT_FIELDS.provider}
        label="Model provider"
        value={shown(ASSISTANT_FIELDS.provider, current.provider)}
        options={ASSISTANT_PROVIDERS.map((name) => ({ value: name, label: PROVIDER_LABELS[name] }))}
        error={props.errors?.[ASSISTANT_FIELDS.provider]}
      />
      <TextField
        name={ASSISTANT_FIELDS.model}
        label="Model"
        value={shown(ASSISTANT_FIELDS.model, current.model)}
        maxLength={200}
        hint="The name the provider knows, e.g. llama3.1:8b, gpt-4o-mini or claude-sonnet-4-5. Required with a provider."
        error={props.errors?.[ASSISTANT_FIELDS.model]}
      />
      <TextField
        name={ASSISTANT_FIELDS.baseUrl}
        label="Base URL"
        type="url"
        value={shown(ASSISTANT_FIELDS.baseUrl, current.baseUrl)}
        maxLength={2048}
        hint="Required for an OpenAI-compatible server (e.g. http://127.0.0.1:11434/v1 for Ollama); empty: the provider's own."
        error={props.errors?.[ASSISTANT_FIELDS.baseUrl]}
      />
      <TextField
        name={ASSISTANT_FIELDS.apiKey}
        label="API key"
        type="password"
        autocomplete="new-password"
        maxLength={4096}
        hint={keyHint}
        error={props.errors?.[ASSISTANT_FIELDS.apiKey]}
      />
      {current.keyFile === undefined ? null : (
        <Checkbox name={ASSISTANT_FIELDS.removeKey} value="true" label="Remove the stored key" />
      )}
    </Card>
  );
}
