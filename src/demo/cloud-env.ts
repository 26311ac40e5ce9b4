import { SIM_API_KEY } from '../simulator/qlik-cloud/index.js';

/**
 * The variables that turn Qlik Cloud on in `npm run demo` (config/demo.yaml has it off, as it
 * cannot know the simulator's port), against the Qlik Cloud simulator at `tenantUrl`.
 */
export function demoQlikCloudEnv(tenantUrl: string): Record<string, string> {
  return { STG_QLIK_CLOUD_ENABLE: 'true', STG_QLIK_CLOUD_TENANT_URL: tenantUrl, STG_QLIK_CLOUD_API_KEY: SIM_API_KEY };
}
