/** The version of @selfsup/core recorded in checkpoint manifests (keep in step with package.json). */
export const CORE_VERSION = '0.1.0';
