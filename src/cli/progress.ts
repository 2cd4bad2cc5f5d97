/**
 * Progress on long work: a bar with cells per second and time left on a TTY, plain lines every few seconds in
 * pipes and CI, nothing when quiet.
 * @module
 */

/** Where progress is written, and how. */
export type ProgressMode = 'tty' | 'lines' | 'none';

/** A progress reporter for one task of `total` units. */
export class Progress {
  private done = 0;
  private readonly start = Date.now();
  private lastDraw = 0;

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly mode: ProgressMode,
    private readonly write: (s: string) => void,
    private readonly unit = 'cells',
    private readonly intervalMs = mode === 'tty' ? 100 : 5000,
  ) {}

  /** Sets the amount done so far (absolute). */
  update(done: number): void {
    this.done = done;
    const now = Date.now();
    if (this.mode === 'none' || now - this.lastDraw < this.intervalMs) return;
    this.lastDraw = now;
    this.draw(false);
  }

  /** Adds to the amount done. */
  add(n: number): void {
    this.update(this.done + n);
  }

  /** Marks the task finished and prints the final line. */
  finish(): void {
    this.done = this.total;
    if (this.mode !== 'none') this.draw(true);
  }

  private draw(final: boolean): void {
    const elapsed = (Date.now() - this.start) / 1000;
    const frac = this.total > 0 ? Math.min(1, this.done / this.total) : 1;
    const rate = elapsed > 0 ? this.done / elapsed : 0;
    const left = rate > 0 ? (this.total - this.done) / rate : NaN;
    const rateText = `${formatCount(rate)} ${this.unit}/s`;
    const timeText = final ? `${elapsed.toFixed(1)} s` : Number.isFinite(left) ? `${left.toFixed(0)} s left` : '';
    if (this.mode === 'tty') {
      const width = 24;
      const filled = Math.round(frac * width);
      const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
      this.write(`\r${this.label} ${bar} ${(frac * 100).toFixed(0).padStart(3)} %  ${rateText}  ${timeText}   ${final ? '\n' : ''}`);
    } else {
      this.write(`${this.label}: ${(frac * 100).toFixed(0)} % (${formatCount(this.done)}/${formatCount(this.total)} ${this.unit}, ${rateText}${timeText ? ', ' + timeText : ''})\n`);
    }
  }
}

/** 1234567 → "1.23 M". */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return '–';
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} k`;
  return n.toFixed(0);
}
