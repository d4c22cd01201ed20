export { ConfigError } from './errors.ts';
export { parseExtraVars } from './extra-vars.ts';
export { FLAT_KNOBS, structuredName } from './knobs.ts';
export { ENVIRONMENTS_DIR, type LoadOptions, loadEnvironment } from './load.ts';
export { connectionVarsSchema, hostVarsSchema, type OwConfig, owConfigSchema, schema } from './schema.ts';
export { isSecretName, isSecretPath, toPrintable } from './secrets.ts';
export type { ConnectionVars, Host, HostVars, Inventory, VarOrigin } from './types.ts';
export type { VarLayer } from './vars.ts';
