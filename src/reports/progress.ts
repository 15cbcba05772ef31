import cliProgress from 'cli-progress';

/**
 * A progress bar on a terminal; silent when stderr is not a terminal (CI
 * logs, pipes) or when there is nothing to count towards. Runs past the total
 * are shrinking runs, counted apart.
 */
export class ProgressLine {
  private readonly bar: cliProgress.SingleBar | undefined;
  private failing = 0;

  constructor(stream: NodeJS.WriteStream, private readonly total: number) {
    if (!stream.isTTY || total <= 0) return;
    this.bar = new cliProgress.SingleBar(
      { stream, format: 'runs {bar} {value}/{total} | {duration}s | {status}', hideCursor: true, clearOnComplete: true },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(total, 0, { status: 'all passing' });
  }

  update(done: number, failed: boolean): void {
    if (failed) this.failing++;
    const status = this.failing > 0 ? `shrinking: ${this.failing} failing run(s)` : 'all passing';
    this.bar?.update(Math.min(done, this.total), { status });
  }

  done(): void {
    this.bar?.stop();
  }
}
