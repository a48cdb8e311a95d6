import { fork } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { BenchOptions } from '../arguments/parse-bench-arguments';
import type { BenchReport } from '../report/bench-report';
import { machineInfo } from '../report/machine-info';
import type { ProgressLog } from '../run-bench';
import { allWorkloads } from '../workloads/all-workloads';
import { adapterSources } from '../workloads/workload-adapters';
import type { GroupReply, GroupRequest } from './group-process';
import { type GroupOutcome, mergeGroupReports } from './merge-group-reports';
import { groupWorkloads } from './workload-groups';

/** Runs one group's options somewhere and gives its report back (default: a forked process). */
export type RunGroup = (options: BenchOptions, log: ProgressLog) => Promise<BenchReport>;

/**
 * Where the group process's module is: `group-process.js` beside the built CLI (`dist/`). From the
 * sources (vitest) there is none: pass a bundle of `src/isolation/group-process.ts`.
 */
export function groupProcessModule(): string {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.ts')) {
    throw new Error(
      'The bench forks dist/group-process.js: run the built bench (pnpm bench), pass --in-process, or give runBenchInGroups a bundle of src/isolation/group-process.ts.',
    );
  }
  return fileURLToPath(new URL('./group-process.js', import.meta.url));
}

/**
 * Runs one group in a fresh Node process (same Node flags), its stdout and stderr lines forwarded
 * to `log`.
 *
 * @param module the group process's module ({@link groupProcessModule}).
 * @returns a {@link RunGroup}.
 * @example await forkGroup(groupProcessModule())(options, console.error)
 */
export function forkGroup(module: string): RunGroup {
  return (options, log) =>
    new Promise<BenchReport>((resolve, reject) => {
      const child = fork(module, [], {
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
        serialization: 'advanced',
      });
      for (const stream of [child.stdout, child.stderr]) {
        if (stream !== null) createInterface({ input: stream }).on('line', (line) => log(line));
      }
      let reply: GroupReply | undefined;
      child.on('message', (message: GroupReply) => {
        reply = message;
      });
      child.on('error', reject);
      child.on('exit', (code, signal) => {
        if (reply !== undefined && 'report' in reply) resolve(reply.report);
        else if (reply !== undefined) reject(new Error(reply.error));
        else
          reject(
            new Error(
              `its process ended (${signal === null ? `exit code ${code}` : `signal ${signal}`}) without a report`,
            ),
          );
      });
      child.send({ options } satisfies GroupRequest);
    });
}

/**
 * `pnpm bench`'s default: each group of workloads (`groupWorkloads`: a one-thread workload with
 * the workloads that parallelize it, any other workload alone) runs in its own process, one after
 * the other, then the datasets group in another; the reports are merged (`mergeGroupReports`).
 * One process for the whole suite let a workload's rounds pay for the others' heaps, JIT and idle
 * worker pools (the 2-worker GPT rows ran 0.82–1.21× the one-thread row inside the suite, and
 * 1.34–1.52× in a process of their own). A group whose process fails becomes error rows; the others
 * still run.
 *
 * @param options the parsed command line (`inProcess` is ignored here).
 * @param log where progress lines go.
 * @param runGroup runs one group's options.
 * @default runGroup forkGroup(groupProcessModule())
 * @returns the merged report.
 * @example const report = await runBenchInGroups(parseBenchArguments([]), console.error);
 */
export async function runBenchInGroups(
  options: BenchOptions,
  log: ProgressLog,
  runGroup: RunGroup = forkGroup(groupProcessModule()),
): Promise<BenchReport> {
  const machine = machineInfo();
  const groups = groupWorkloads(options.workloads, allWorkloads);
  const runs: { workloads: BenchOptions['workloads']; datasets: boolean }[] = groups.map(
    (workloads) => ({ workloads, datasets: false }),
  );
  if (options.datasets) runs.push({ workloads: [], datasets: true });
  const outcomes: GroupOutcome[] = [];
  for (const [index, run] of runs.entries()) {
    const name = run.datasets ? 'datasets' : run.workloads.join(', ');
    log(`group ${index + 1}/${runs.length}: ${name} (own process)`);
    try {
      outcomes.push({
        workloads: run.workloads,
        report: await runGroup({ ...options, ...run }, log),
      });
    } catch (error) {
      const reason = `the group's process failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
      log(`group ${name}: ${reason}`);
      if (run.datasets) throw new Error(`datasets: ${reason}`);
      outcomes.push({ workloads: run.workloads, error: reason });
    }
  }
  return mergeGroupReports({ options, machine, adapters: adapterSources }, outcomes);
}
