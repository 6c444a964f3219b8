// One line per measurement, in a form scripts/bench.sh collects: `BENCH area | what | k=v ...`.
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

export function report(area, what, values) {
  const parts = Object.entries(values).map(([k, v]) => `${k}=${typeof v === 'number' ? (Number.isInteger(v) ? v : v.toFixed(k.startsWith('ratio') ? 2 : 1)) : v}`);
  const over = values.budget !== undefined && (values.median ?? values.min) > values.budget ? '  OVER BUDGET' : '';
  console.log(`BENCH ${area} | ${what} | ${parts.join(' ')}${over}`);
}
