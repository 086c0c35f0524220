/** The master configuration: its schema, creating and saving it, the console's fields, derived values, the assistant. */
export {
  applyAssistant,
  ASSISTANT_APP,
  ASSISTANT_FIELDS,
  ASSISTANT_PROVIDERS,
  assistantChanges,
  assistantKeyFile,
  assistantView,
  hasAssistant,
  readAssistantForm,
  removeAssistantKey,
  writeAssistantKey,
} from './assistant.js';
export type { AssistantView } from './assistant.js';
export { deriveSettings } from './derive.js';
export type { DerivedSettings } from './derive.js';
export { applyForm, changedFields, fieldValue, maskSecrets, SETTING_SECTIONS } from './fields.js';
export { ensureMasterConfig, readMasterConfig, writeJsonAtomic } from './master-config.js';
export type { SecretSources } from './master-config.js';
export { alertSettingsSchema, masterConfigSchema, systemSchema } from './schema.js';
export type { AlertSettings, BackupSettings, MasterConfig, SupervisorSettings } from './schema.js';
