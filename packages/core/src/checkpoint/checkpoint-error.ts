/**
 * An error about one file of a checkpoint: missing, damaged, of another method or format, or
 * with weights that do not fit the objective. The message says what to do.
 */
export class CheckpointError extends Error {
  /** The file (or directory) the problem is in. */
  readonly file: string;

  /**
   * @param file the file or directory concerned.
   * @param message what is wrong and what to do.
   */
  constructor(file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = 'CheckpointError';
    this.file = file;
  }
}
