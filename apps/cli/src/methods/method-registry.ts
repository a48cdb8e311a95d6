import { UsageError } from '../commands/parse-flags';
import { bertMethod } from './bert-method';
import { clipMethod } from './clip-method';
import { cpcMethod } from './cpc-method';
import { elmoMethod } from './elmo-method';
import { frameOrderMethod } from './frame-order-method';
import { gptMethod } from './gpt-method';
import { maeMethod } from './mae-method';
import type { MethodDefinition } from './method-definition';
import { mocoMethod } from './moco-method';
import { pixelCnnMethod } from './pixel-cnn-method';
import { rotationMethod } from './rotation-method';
import { simclrMethod } from './simclr-method';
import { wav2vec2Method } from './wav2vec2-method';
import { wavenetMethod } from './wavenet-method';
import { gloveMethod, word2vecMethod } from './word-vectors-method';

/** The methods `selfsup pretrain` knows, by CLI name. A new method: one file, one line here. */
export const methods: readonly MethodDefinition[] = [
  simclrMethod,
  mocoMethod,
  rotationMethod,
  clipMethod,
  cpcMethod,
  frameOrderMethod,
  word2vecMethod,
  gloveMethod,
  bertMethod,
  wavenetMethod,
  gptMethod,
  maeMethod,
  pixelCnnMethod,
  elmoMethod,
  wav2vec2Method,
];

/**
 * The method of a CLI name, or a usage error listing every method.
 *
 * @param name what the user typed.
 * @returns the method.
 * @throws UsageError naming the known methods.
 * @example findMethod('simclr').objectiveMethod; // 'simclr'
 */
export function findMethod(name: string): MethodDefinition {
  const method = methods.find((candidate) => candidate.name === name);
  if (method === undefined) {
    throw new UsageError(
      `Unknown method '${name}'. Methods: ${methods
        .map((known) => `${known.name} (${known.description})`)
        .join('; ')}.`,
    );
  }
  return method;
}

/**
 * The CLI method that writes checkpoints with a given objective `method`.
 *
 * @param objectiveMethod a manifest's `method`.
 * @returns the method, or undefined for methods the CLI does not train.
 * @example methodOfObjective('rotation-prediction')?.name; // 'rotation'
 */
export function methodOfObjective(objectiveMethod: string): MethodDefinition | undefined {
  return methods.find((method) => method.objectiveMethod === objectiveMethod);
}
