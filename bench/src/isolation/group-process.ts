/**
 * The process `runBenchInGroups` forks for each group of workloads: it receives the group's
 * options over IPC, runs `runBench` on them (progress lines on stderr) and sends the report back.
 */
import type { BenchOptions } from '../arguments/parse-bench-arguments';
import type { BenchReport } from '../report/bench-report';
import { runBench } from '../run-bench';

/** The parent's one message: the options of the group to run. */
export type GroupRequest = { readonly options: BenchOptions };

/** The child's one message: the group's report, or why it failed. */
export type GroupReply = { readonly report: BenchReport } | { readonly error: string };

function reply(message: GroupReply, code: number): void {
  process.send!(message, () => process.exit(code));
}

if (process.send === undefined) {
  process.stderr.write(
    'group-process.js is forked by pnpm bench (runBenchInGroups), not run directly: run pnpm bench.\n',
  );
  process.exit(2);
}
process.once('message', (message: GroupRequest) => {
  runBench(message.options, (line) => process.stderr.write(`${line}\n`)).then(
    (report) => reply({ report }, 0),
    (error: unknown) =>
      reply({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) }, 1),
  );
});
