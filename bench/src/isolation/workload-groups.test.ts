import { describe, expect, it } from 'vitest';
import { allWorkloads } from '../workloads/all-workloads';
import { workloadNames } from '../workloads/workload';
import { groupWorkloads } from './workload-groups';

describe('groupWorkloads', () => {
  it('puts each one-thread workload with the ones that parallelize it, every other alone', () => {
    expect(groupWorkloads(workloadNames, allWorkloads)).toEqual([
      ['gpt', 'gpt-data-parallel'],
      ['gpt-batch-24', 'gpt-data-parallel-per-worker-batch'],
      ['simclr', 'simclr-data-parallel'],
      ['bert'],
      ['mae'],
      ['wavenet'],
      ['generate'],
      ['generate-no-cache'],
      ['encode-convnet'],
      ['encode-transformer'],
    ]);
  });

  it('keeps the order given, and runs a data-parallel workload alone without its one-thread one', () => {
    expect(
      groupWorkloads(['simclr-data-parallel', 'gpt-data-parallel', 'bert', 'simclr'], allWorkloads),
    ).toEqual([['simclr-data-parallel', 'simclr'], ['gpt-data-parallel'], ['bert']]);
    expect(groupWorkloads([], allWorkloads)).toEqual([]);
  });
});
