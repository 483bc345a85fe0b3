/**
 * Formats rows as an aligned plain-text table: the first column (labels) left-aligned, the
 * others right-aligned; numbers with thousands separators, missing cells blank.
 */
export function formatTable(title: string, header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const cell = (v: unknown) => {
    if (v === undefined || v === null) return '';
    if (typeof v === 'number')
      return Number.isFinite(v) ? v.toLocaleString('en-US', { maximumFractionDigits: 3 }) : '—';
    return String(v);
  };
  const cells = [header.map(String), ...rows.map((r) => header.map((_, i) => cell(r[i])))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]) =>
    r
      .map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [title, line(cells[0] ?? []), rule, ...cells.slice(1).map(line)].join('\n');
}
