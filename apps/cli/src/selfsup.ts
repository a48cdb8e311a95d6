import { cac } from 'cac';
import { registerBenchCommand } from './commands/bench-command';
import { registerCompareCommand } from './commands/compare-command';
import { registerDatasetsCommand } from './commands/datasets-command';
import { registerEmbedCommand } from './commands/embed-command';
import { registerEvaluateCommand } from './commands/evaluate-command';
import { registerFillMaskCommand } from './commands/fill-mask-command';
import { registerFinetuneCommand } from './commands/finetune-command';
import { registerGenerateCommand } from './commands/generate-command';
import { registerInfoCommand } from './commands/info-command';
import { registerPretrainCommand } from './commands/pretrain-command';
import { registerProjectCommand } from './commands/project-command';
import { registerSimilarCommand } from './commands/similar-command';
import { registerZeroShotCommand } from './commands/zero-shot-command';
import { exitCodeOf } from './io/cli-errors';
import { CLI_VERSION } from './version';

// Commands load TensorFlow.js and the method packages inside their actions, so that `--help`
// and bad usage answer at once. The quickstart module loads them when imported: only import it
// when it runs or when the command list is shown.
const first = process.argv[2];
const listsCommands = first === undefined || first.startsWith('-');

const cli = cac('selfsup');
registerPretrainCommand(cli);
registerFinetuneCommand(cli);
registerEvaluateCommand(cli);
registerCompareCommand(cli);
registerEmbedCommand(cli);
registerProjectCommand(cli);
registerDatasetsCommand(cli);
registerInfoCommand(cli);
registerBenchCommand(cli);
registerZeroShotCommand(cli);
registerSimilarCommand(cli);
registerFillMaskCommand(cli);
registerGenerateCommand(cli);
if (first === 'quickstart' || listsCommands) {
  const { registerQuickstartCommand } = await import('./commands/quickstart-command');
  registerQuickstartCommand(cli);
}
cli.help();
cli.version(CLI_VERSION);

try {
  cli.parse(process.argv, { run: false });
  if (!cli.matchedCommand && !cli.options.help && !cli.options.version) {
    if (cli.args.length > 0) {
      process.stderr.write(
        `selfsup: unknown command '${cli.args[0]}'. Run \`selfsup --help\` for the commands.\n`,
      );
      process.exitCode = 2;
    } else {
      cli.outputHelp();
    }
  } else {
    await cli.runMatchedCommand();
  }
} catch (error) {
  const code = exitCodeOf(error);
  process.stderr.write(`selfsup: ${(error as Error).message}\n`);
  if (code === 1 && process.env.SELFSUP_DEBUG === '1') console.error(error);
  process.exitCode = code;
}
