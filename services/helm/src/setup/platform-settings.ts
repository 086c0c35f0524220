/**
 * What the setup checklist reads from the master configuration: whether the platform runs in
 * development mode (`system.environment`; the platform home then offers the demo data) and whether
 * the gateway has a certificate file of the operator's (else it runs on the generated one). Read
 * per request, so a change in Settings shows at once; an unreadable or absent file gives the
 * safe answer (production: no demo offer; generated certificate: the explanation stays).
 */
import { readMasterConfig } from '../settings/index.js';

export type PlatformEnvironment = 'development' | 'production';

export interface SetupSettings {
  environment: PlatformEnvironment;
  certificateConfigured: boolean;
}

export const SAFE_SETUP_SETTINGS: SetupSettings = { environment: 'production', certificateConfigured: false };

/** The settings from the master configuration at `file`; the safe ones when it cannot be read. */
export async function readSetupSettings(file: string | undefined): Promise<SetupSettings> {
  if (file === undefined) return SAFE_SETUP_SETTINGS;
  try {
    const config = await readMasterConfig(file);
    if (config === undefined) return SAFE_SETUP_SETTINGS;
    return {
      environment: config.system.environment,
      certificateConfigured: config.system.tls_cert_file !== undefined && config.system.tls_key_file !== undefined,
    };
  } catch {
    return SAFE_SETUP_SETTINGS;
  }
}
