import { z } from 'zod';

/**
 * Parses encoder options with a zod schema and throws one readable error naming every bad field
 * (`createConvNetEncoder: invalid options: ✖ channels.0: Too small: expected number to be >0`).
 *
 * @param factory the name of the calling factory, for the message.
 * @param schema the options schema, with defaults.
 * @param options what the user passed.
 * @returns the parsed options with defaults filled in.
 * @example const parsed = validateEncoderOptions('createMlpEncoder', mlpEncoderOptionsSchema, options);
 */
export function validateEncoderOptions<Schema extends z.ZodType>(
  factory: string,
  schema: Schema,
  options: unknown,
): z.output<Schema> {
  const result = schema.safeParse(options ?? {});
  if (!result.success) {
    throw new Error(`${factory}: invalid options:\n${z.prettifyError(result.error)}`);
  }
  return result.data;
}
