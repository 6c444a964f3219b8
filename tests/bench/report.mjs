// One line per measurement, in a form scripts/bench.sh collects: `BENCH area | what | k=v ...`.
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/// Enough digits to compare: 0.0123, 1.23, 12.3 (ratios always with two decimals).
function fmt(k, v) {
  if (typeof v !== 'number' || Number.isInteger(v)) return String(v);
  if (k.startsWith('ratio')) return v.toFixed(2);
  const a = Math.abs(v);
  return v.toFixed(a < 0.1 ? 4 : a < 1 ? 3 : a < 10 ? 2 : 1);
}

export function report(area, what, values) {
  const parts = Object.entries(values).map(([k, v]) => `${k}=${fmt(k, v)}`);
  const over = values.budget !== undefined && (values.median ?? values['median ms'] ?? values.min) > values.budget ? '  OVER BUDGET' : '';
  console.log(`BENCH ${area} | ${what} | ${parts.join(' ')}${over}`);
}
