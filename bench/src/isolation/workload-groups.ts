import type { Workload, WorkloadName } from '../workloads/workload';

/**
 * Splits the selected workloads into the groups `pnpm bench` runs in separate processes: a
 * one-thread workload together with the selected workloads that parallelize it (their speed-up is
 * measured against it, so they share rounds), every other workload alone. Groups and their
 * members keep the order of `names` (a group sits where its first member was); a data-parallel
 * workload whose one-thread workload is not selected runs alone.
 *
 * @param names the selected workloads, in order.
 * @param workloads every workload by name (`allWorkloads`).
 * @returns the groups, each non-empty, together holding every name once.
 * @example groupWorkloads(['gpt', 'simclr', 'gpt-data-parallel'], allWorkloads) // [['gpt', 'gpt-data-parallel'], ['simclr']]
 */
export function groupWorkloads(
  names: readonly WorkloadName[],
  workloads: Readonly<Record<WorkloadName, Workload>>,
): WorkloadName[][] {
  const groups: WorkloadName[][] = [];
  const groupOf = new Map<WorkloadName, WorkloadName[]>();
  const leader = (name: WorkloadName): WorkloadName => {
    const parallelizes = workloads[name].parallelizes;
    return parallelizes !== undefined && names.includes(parallelizes) ? parallelizes : name;
  };
  for (const name of names) {
    const key = leader(name);
    let group = groupOf.get(key);
    if (group === undefined) {
      group = [];
      groupOf.set(key, group);
      groups.push(group);
    }
    if (!group.includes(name)) group.push(name);
  }
  return groups;
}
