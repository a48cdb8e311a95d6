import type { BackendInfo } from '@selfsup/core';
import { UsageError } from './parse-flags';

/**
 * The `--backend` flag's value, checked against the backends the CLI can start.
 *
 * @param value the raw flag value (or undefined).
 * @returns the backend name, or undefined when absent.
 * @throws UsageError listing the valid names.
 * @example parseBackend('wasm'); // 'wasm'
 */
export function parseBackend(value: unknown): BackendInfo['backend'] | undefined {
  if (value === undefined) return undefined;
  const names: readonly BackendInfo['backend'][] = ['node-gpu', 'node', 'wasm', 'cpu'];
  if (!(names as readonly unknown[]).includes(value)) {
    throw new UsageError(`--backend takes one of ${names.join(', ')}, got '${String(value)}'.`);
  }
  return value as BackendInfo['backend'];
}

/**
 * A flag that takes one of a few words.
 *
 * @param value the raw value.
 * @param flag the flag's name, for the message.
 * @param choices the accepted words.
 * @returns the value.
 * @throws UsageError listing the choices.
 * @example parseChoice('knn', '--mode', ['linear-probe', 'full', 'knn']); // 'knn'
 */
export function parseChoice<Choice extends string>(
  value: unknown,
  flag: string,
  choices: readonly Choice[],
): Choice {
  if (!(choices as readonly unknown[]).includes(value)) {
    throw new UsageError(`${flag} takes one of ${choices.join(', ')}, got '${String(value)}'.`);
  }
  return value as Choice;
}

/**
 * A flag holding a JSON object (e.g. `--encoder-options '{"channels":[8]}'`).
 *
 * @param value the raw value.
 * @param flag the flag's name.
 * @returns the object.
 * @throws UsageError when it is not a JSON object.
 * @example parseJsonObject('{"channels":[8]}', '--encoder-options'); // { channels: [8] }
 */
export function parseJsonObject(value: unknown, flag: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(String(value));
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UsageError(
      `${flag} takes a JSON object such as '{"channels":[16,32]}', got '${String(value)}'.`,
    );
  }
  return parsed as Record<string, unknown>;
}
