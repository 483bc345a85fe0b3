/** A one-line progress report on stderr: rewritten in place on a terminal, every 10 s otherwise. */
export function progressLine(
  label: string,
  from: number,
  total: number,
): { update(done: number, extra: string): void; end(): void } {
  const started = performance.now();
  const tty = process.stderr.isTTY === true;
  let last = 0;
  let shown = false;
  return {
    update(done, extra) {
      const now = performance.now();
      if (now - last < (tty ? 500 : 10_000) && done < total) return;
      last = now;
      const seconds = (now - started) / 1000;
      const eta = done > from ? (seconds / (done - from)) * (total - done) : Number.NaN;
      const text = `${label} ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} · ${extra} · ${Math.round(seconds)} s, ETA ${Number.isFinite(eta) ? `${Math.round(eta)} s` : '…'}`;
      process.stderr.write(tty ? `\r\x1b[2K${text}` : `${text}\n`);
      shown = true;
    },
    end() {
      if (tty && shown) process.stderr.write('\n');
    },
  };
}
