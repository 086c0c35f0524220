/** The admin's first-sign-in checklist: its steps, the generated password replaced, what it reads of the configuration. */
export { checklist, fileExists, pending, SETUP_STEPS } from './checklist.js';
export type { SetupStep, StepStatus } from './checklist.js';
export { changeInitialPassword } from './password.js';
export { readSetupSettings } from './platform-settings.js';
