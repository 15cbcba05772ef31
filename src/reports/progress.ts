import cliProgress from 'cli-progress';

/**
 * A progress bar on a terminal; silent when stderr is not a terminal (CI
 * logs, pipes) or when there is nothing to count towards. It counts finished
 * runs (with --jobs, several play at once), and says what shrinking is doing.
 */
export class ProgressLine {
  private readonly bar: cliProgress.SingleBar | undefined;
  private failing = 0;
  private done = 0;
  private shrinking: string | null = null;

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
    this.done = Math.max(this.done, done);
    this.render();
  }

  /** What shrinking is at (attempts, length, time), or null once it ends. */
  shrink(status: string | null): void {
    this.shrinking = status;
    this.render();
  }

  /** Clears the bar so a block can be printed, then draws it again below. */
  around(print: () => void): void {
    if (this.bar === undefined) {
      print();
      return;
    }
    this.bar.stop();
    print();
    this.bar.start(this.total, Math.min(this.done, this.total), { status: this.status() });
  }

  private status(): string {
    if (this.shrinking !== null) return this.shrinking;
    return this.failing > 0 ? `${this.failing} failing run(s)` : 'all passing';
  }

  private render(): void {
    this.bar?.update(Math.min(this.done, this.total), { status: this.status() });
  }

  stop(): void {
    this.bar?.stop();
  }
}
