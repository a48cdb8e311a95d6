import { z } from 'zod';
import type { JsonValue } from './json';

/** The zod schema of a {@link JsonValue}: what configs, manifests and references may hold. */
export const jsonValueSchema: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(jsonValueSchema),
    z.record(z.string(), jsonValueSchema),
  ]),
);

/** The zod schema of a JSON object. */
export const jsonObjectSchema = z.record(z.string(), jsonValueSchema);
