/** Types of `kill-resume-lib.mjs` (the SIGKILL-and-resume harness) for the TypeScript tests. */
export type CliProcessRun = {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
  readonly startupSeconds: number | null;
};
export type KillRecord = {
  readonly killAfterMs: number;
  readonly phase: 'startup' | 'training';
  readonly killed: boolean;
  readonly resumedFrom: string | null;
  readonly checkpointsAfterKill: readonly string[];
  readonly duringCheckpointWrite: boolean;
  readonly leftovers: readonly string[];
  readonly incomplete: readonly string[];
  readonly damaged: readonly string[];
};
export type KillAndResumeResult = {
  readonly method: string;
  readonly steps: number;
  readonly checkpointEvery: number;
  readonly seed: number;
  readonly kills: readonly KillRecord[];
  readonly runsThatFinishedBeforeTheirKill: number;
  readonly killedDuringCheckpointWrite: number;
  readonly halfDeletedDirectories: number;
  readonly damagedCheckpoints: number;
  readonly finalStep: number;
  readonly finalResumedFrom: string | null;
  readonly expectedResumedFrom: string | null;
  readonly finalCheckpoint: string;
  readonly referenceCheckpoint: string;
  readonly comparedFiles: readonly string[];
  readonly differingFiles: readonly string[];
  readonly identicalToUninterrupted: boolean;
};
export function seededRandom(seed: number): () => number;
export function runCliProcess(
  cli: string,
  args: readonly string[],
  cwd: string,
  kill?: number | { readonly ms: number },
  environment?: Readonly<Record<string, string>>,
): Promise<CliProcessRun>;
export function stepDirectories(runDirectory: string): string[];
export function interruptedWriteLeftovers(runDirectory: string): string[];
export function checkCheckpointIntact(directory: string): string[];
export function checkpointBytes(directory: string): Record<string, Buffer>;
export function killAndResume(options: {
  readonly cli: string;
  readonly workDirectory: string;
  readonly kills: number;
  readonly seed?: number;
  readonly method?: string;
  readonly steps?: number;
  readonly checkpointEvery?: number;
  readonly flags?: readonly string[];
  readonly log?: (line: string) => void;
}): Promise<KillAndResumeResult>;
export function buildPrivateCli(repositoryRoot: string, label: string): Promise<string>;
