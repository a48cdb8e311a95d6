/**
 * The completed checkpoints of a run directory (`step-N/` with a manifest; half-written or foreign
 * folders are skipped), oldest first, e.g. to probe every snapshot a run kept. Node only.
 *
 * @param runDirectory a run directory written by `pretrain({ checkpoint })`.
 * @returns `{ step, directory }` per checkpoint, by increasing step; empty when there are none.
 * @example for (const { step, directory } of await listCheckpoints('runs/cpc')) console.log(step, directory);
 */
export async function listCheckpoints(
  runDirectory: string,
): Promise<{ step: number; directory: string }[]> {
  const { listStepCheckpoints } = await import('./checkpoint-files');
  return (await listStepCheckpoints(runDirectory)).reverse();
}
