import { SeededRandom } from '@selfsup/core';
import { describe, expect, it } from 'vitest';
import { clusteringScores } from './clustering-metrics';
import type { FeatureRows } from './feature-rows';
import { fitGaussianMixture, predictGaussianMixture } from './gaussian-mixture';

function sample(seed: number) {
  // Two 2-D Gaussians: a tight one at (0, 0) and a wide one at (6, 2), 300 and 200 points.
  const random = new SeededRandom(seed);
  const specs = [
    { mean: [0, 0], std: [0.5, 1], count: 300 },
    { mean: [6, 2], std: [2, 0.7], count: 200 },
  ];
  const values: number[] = [];
  const truth: number[] = [];
  specs.forEach((spec, k) => {
    for (let i = 0; i < spec.count; i++) {
      values.push(
        spec.mean[0]! + spec.std[0]! * random.nextNormal(),
        spec.mean[1]! + spec.std[1]! * random.nextNormal(),
      );
      truth.push(k);
    }
  });
  return {
    data: {
      values: Float32Array.from(values),
      rows: truth.length,
      columns: 2,
    } satisfies FeatureRows,
    truth,
    specs,
  };
}

describe('fitGaussianMixture', () => {
  it('never decreases its EM objective, and its log-likelihood rises overall', () => {
    const { data } = sample(1);
    // Start from a poor k-means solution with many components so that EM has work to do.
    const mixture = fitGaussianMixture(data, {
      components: 5,
      seed: 3,
      tolerance: 0,
      maxIterations: 60,
    });
    expect(mixture.objectiveHistory.length).toBe(60);
    for (let i = 1; i < mixture.objectiveHistory.length; i++) {
      expect(
        mixture.objectiveHistory[i]! - mixture.objectiveHistory[i - 1]!,
      ).toBeGreaterThanOrEqual(-1e-9);
    }
    expect(mixture.logLikelihoodHistory.at(-1)!).toBeGreaterThan(mixture.logLikelihoodHistory[0]!);
  });

  it('recovers the weights, means and variances of two Gaussians', () => {
    const { data, truth, specs } = sample(2);
    const mixture = fitGaussianMixture(data, { components: 2, seed: 0 });
    expect(mixture.converged).toBe(true);
    const wide = mixture.means[0]! > mixture.means[2]! ? 0 : 1;
    const tight = 1 - wide;
    expect(mixture.weights[tight]!).toBeCloseTo(0.6, 1);
    expect(mixture.means[wide * 2]!).toBeCloseTo(specs[1]!.mean[0]!, 0);
    expect(Math.sqrt(mixture.variances[wide * 2]!)).toBeCloseTo(specs[1]!.std[0]!, 0);
    expect(Math.sqrt(mixture.variances[tight * 2]!)).toBeCloseTo(specs[0]!.std[0]!, 0);
    const { assignments, logLikelihood } = predictGaussianMixture(mixture, data);
    expect(clusteringScores(truth, assignments).ari).toBeGreaterThan(0.95);
    expect(logLikelihood).toBeCloseTo(mixture.logLikelihoodHistory.at(-1)!, 2);
  });

  it('rejects rows of another width and a zero regularization', () => {
    const { data } = sample(3);
    const mixture = fitGaussianMixture(data, { components: 2 });
    expect(() =>
      predictGaussianMixture(mixture, { values: new Float32Array(3), rows: 1, columns: 3 }),
    ).toThrow(/3 columns but the mixture was fitted on 2/);
    expect(() => fitGaussianMixture(data, { components: 2, regularization: 0 })).toThrow(
      /regularization must be > 0/,
    );
  });
});
