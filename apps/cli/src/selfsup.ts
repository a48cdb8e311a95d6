import { cac } from 'cac';
import { UsageError } from './commands/parse-flags';
import { registerQuickstartCommand } from './commands/quickstart-command';

const cli = cac('selfsup');
registerQuickstartCommand(cli);
cli.help();
cli.version('0.1.0');

try {
  cli.parse(process.argv, { run: false });
  if (!cli.matchedCommand && !cli.options.help && !cli.options.version) {
    cli.outputHelp();
    process.exitCode = cli.args.length > 0 ? 2 : 0;
  } else {
    await cli.runMatchedCommand();
  }
} catch (error) {
  const usage = error instanceof UsageError || (error as Error).name === 'CACError';
  process.stderr.write(`selfsup: ${(error as Error).message}\n`);
  process.exitCode = usage ? 2 : 1;
}
