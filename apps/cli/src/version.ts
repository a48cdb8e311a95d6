/** The version of the selfsup CLI (keep in step with package.json). */
export const CLI_VERSION = '0.1.0';
