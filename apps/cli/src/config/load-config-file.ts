import { existsSync, readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { UsageError } from '../commands/parse-flags';

/**
 * Reads a YAML or JSON config file and validates it with a zod schema; unknown keys are errors.
 * Every problem names the file, the key's path inside it and what it takes.
 *
 * @param path a `.yaml`, `.yml` or `.json` file.
 * @param schema a strict zod object schema.
 * @returns the validated config.
 * @throws UsageError when the file is missing, unparsable or invalid.
 * @example const config = loadConfigFile('pretrain.yaml', pretrainConfigSchema);
 */
export function loadConfigFile<Schema extends z.ZodType>(
  path: string,
  schema: Schema,
): z.output<Schema> {
  if (!existsSync(path)) {
    throw new UsageError(`--config ${path}: no such file. Check the path.`);
  }
  const extension = extname(path).toLowerCase();
  if (!['.yaml', '.yml', '.json'].includes(extension)) {
    throw new UsageError(
      `--config ${path}: use a .yaml, .yml or .json file (got '${extension || 'no extension'}').`,
    );
  }
  const text = readFileSync(path, 'utf8');
  let raw: unknown;
  try {
    raw = extension === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new UsageError(
      `--config ${path} is not valid ${extension === '.json' ? 'JSON' : 'YAML'}: ${(error as Error).message}`,
    );
  }
  if (raw === null || raw === undefined) raw = {};
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const where = issue.path.length === 0 ? '(top level)' : issue.path.map(String).join('.');
      if (issue.code === 'unrecognized_keys') {
        const keys = (issue as { keys?: string[] }).keys ?? [];
        return `${where}: unknown key${keys.length === 1 ? '' : 's'} ${keys.map((key) => `'${key}'`).join(', ')} (remove ${keys.length === 1 ? 'it' : 'them'} or fix the spelling)`;
      }
      return `${where}: ${issue.message}`;
    });
    throw new UsageError(`--config ${path}: ${problems.join('; ')}.`);
  }
  return parsed.data;
}
