/**
 * A terminal progress bar with rate and ETA. On a TTY it redraws one line in place; elsewhere
 * (CI logs, pipes, files) it stays silent until the end and prints one summary line, so a log or a
 * pipe gets a result, not a stream of redraws.
 */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressOptions {
  total: number;
  /** Name of the counted unit, e.g. "citizens". */
  unit: string;
  /** A second counter shown as a rate, e.g. records. */
  rateUnit?: string;
  stream: ProgressStream;
  now?: () => number;
  /** Minimum milliseconds between redraws. */
  interval?: number;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** Ten redraws a second look continuous without costing the work they report on. */
const REDRAW_MS = 100;

const grouping = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export class ProgressBar {
  private readonly started: number;
  private lastDraw = Number.NEGATIVE_INFINITY;
  private done = 0;
  private secondary = 0;

  constructor(private readonly opts: ProgressOptions) {
    this.started = this.now();
  }

  private now(): number {
    return this.opts.now ? this.opts.now() : performance.now();
  }

  /** Sets the absolute progress and redraws if enough time has passed. */
  update(done: number, secondary = this.secondary): void {
    this.done = done;
    this.secondary = secondary;
    if (!this.opts.stream.isTTY) return;
    const now = this.now();
    if (now - this.lastDraw >= (this.opts.interval ?? REDRAW_MS)) {
      this.lastDraw = now;
      this.draw(false);
    }
  }

  /** Draws the final state and ends the line. */
  finish(): void {
    this.draw(true);
  }

  /** The text of the bar as it would be drawn now (exposed for tests). */
  render(): string {
    const { total, unit, rateUnit } = this.opts;
    const elapsed = Math.max((this.now() - this.started) / 1000, 1e-9);
    const fraction = total > 0 ? Math.min(this.done / total, 1) : 1;
    const width = 24;
    const filled = Math.round(fraction * width);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
    const rateCount = rateUnit ? this.secondary : this.done;
    const rate = rateCount / elapsed;
    const eta = fraction > 0 && fraction < 1 ? (elapsed / fraction) * (1 - fraction) : fraction >= 1 ? 0 : Number.NaN;
    return [
      `${bar} ${String(Math.floor(fraction * 100)).padStart(3)}%`,
      `${grouping.format(this.done)}/${grouping.format(total)} ${unit}`,
      `${grouping.format(rate)} ${rateUnit ?? unit}/s`,
      fraction >= 1 ? `in ${formatDuration(elapsed)}` : `ETA ${formatDuration(eta)}`,
    ].join('  ');
  }

  private draw(final: boolean): void {
    const { stream } = this.opts;
    const line = this.render();
    if (stream.isTTY) stream.write(`\r\x1b[2K${line}${final ? '\n' : ''}`);
    else stream.write(`${line}\n`);
  }
}
