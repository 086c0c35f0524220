/** Helm's database for CLI commands that read it (metrics, alerts), with helm's own generated credentials. */
import { openDatabase } from '@hivematrix/sdk/db';
import { inheritedEnv, loadHelmServiceConfig } from '../config.js';
import { schema } from '../db/index.js';
import type { HelmDb } from '../db/index.js';
import { CliError, type CliContext } from './io.js';

/** Runs `work` with helm's database; a failure to reach it becomes a CliError that says why. */
export async function withHelmDatabase<T>(context: CliContext, work: (db: HelmDb) => Promise<T>): Promise<T> {
  let config;
  try {
    config = loadHelmServiceConfig(inheritedEnv(context.io.env), context.paths);
  } catch (error) {
    throw new CliError(
      `helm's configuration cannot be read (has the platform been started?): ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const database = openDatabase({ url: config.DATABASE_URL, applicationName: 'hivematrix-cli', schema });
  try {
    return await work(database.db);
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(
      `helm's database cannot be read (is the platform running?): ${error instanceof Error ? error.message : String(error)}`,
    );
  } finally {
    await database.close();
  }
}
