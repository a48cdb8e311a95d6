import { z } from 'zod';
import { loadConfigFile } from '../config/load-config-file';

/**
 * A command's flags merged over its `--config` file (YAML or JSON, keys = the flags in camelCase;
 * flags win). The file may only hold the given keys (unknown keys are errors naming the key); the
 * values are checked afterwards by the same parsers as the flags.
 *
 * @param flags the command's flags as cac gives them (camelCase).
 * @param keys the settings a config file may hold.
 * @returns the merged settings (the flags alone without `--config`).
 * @throws UsageError for a missing, unreadable or invalid config file.
 * @example const settings = withConfigFile(flags, ['prompt', 'maxTokens', 'seed']);
 */
export function withConfigFile(
  flags: Record<string, unknown>,
  keys: readonly string[],
): Record<string, unknown> {
  if (flags.config === undefined) return flags;
  const value = z.union([z.string(), z.number(), z.boolean()]).optional();
  const schema = z.strictObject(Object.fromEntries(keys.map((key) => [key, value])));
  const merged: Record<string, unknown> = {
    ...(loadConfigFile(String(flags.config), schema) as Record<string, unknown>),
  };
  for (const [key, given] of Object.entries(flags)) {
    if (given !== undefined) merged[key] = given;
  }
  return merged;
}
