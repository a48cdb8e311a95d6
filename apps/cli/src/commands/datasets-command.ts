import type { CAC } from 'cac';
import { datasets, findDataset } from '../datasets/dataset-registry';
import { createCommandOutput } from '../io/command-output';
import { UsageError } from './parse-flags';

/** `selfsup datasets` and `selfsup datasets describe <id>`. */
export function registerDatasetsCommand(cli: CAC): void {
  cli
    .command(
      'datasets [action] [id]',
      'List the datasets; `datasets describe <id>` gives counts, shapes and classes',
    )
    .option('--json', 'Print as one JSON document')
    .example('selfsup datasets')
    .example('selfsup datasets describe mnist')
    .action(
      async (
        action: string | undefined,
        id: string | undefined,
        flags: Record<string, unknown>,
      ) => {
        const output = createCommandOutput(flags);
        if (action === undefined || action === 'list') {
          const list = datasets.map(({ id: name, modality, description }) => ({
            id: name,
            modality,
            description,
          }));
          output.result(
            list,
            list
              .map(
                (entry) =>
                  `${entry.id.padEnd(16)} ${entry.modality.padEnd(11)} ${entry.description}`,
              )
              .join('\n'),
          );
          return;
        }
        if (action !== 'describe') {
          throw new UsageError(
            `Unknown datasets action '${action}': use \`selfsup datasets\` (list) or \`selfsup datasets describe <id>\`.`,
          );
        }
        if (id === undefined) {
          throw new UsageError(
            `datasets describe needs a dataset id: one of ${datasets.map((entry) => entry.id).join(', ')}.`,
          );
        }
        const entry = findDataset(id);
        const description = await entry.describe();
        output.result(
          {
            id: entry.id,
            modality: entry.modality,
            description: entry.description,
            details: description,
          },
          `${entry.id} (${entry.modality}): ${entry.description}\n${JSON.stringify(description, null, 2)}`,
        );
      },
    );
}
