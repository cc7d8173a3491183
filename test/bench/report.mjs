// The picture of one `npm run bench` run: for each table size, a bar per measurement against its
// target, with the reference (the ideal server, the bcrypt limit) drawn beside ours, in one SVG, and
// an HTML page that holds it with the table and the machine. Pure functions of the results.
const WIDTH = 760;
const ROW = 30;
const LABEL = 250;
const BAR = 380;

const escape = (text) => String(text).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

/**
 * The rows the picture draws, from the bench's result records: each with our value, the reference
 * beside it, the target, which way is better, and how to print them.
 */
export function reportRows(results) {
  const rows = [];
  for (const r of results.filter((each) => each.users !== undefined)) {
    const at = `${r.users.toLocaleString('en')} users, ${r.store}`;
    if (r.name === 'users_me') {
      rows.push({ group: at, label: 'GET /users/me, as shipped', ours: r.ratio, reference: 1, target: 0.9, floor: 0.85, better: 'higher', detail: `${r.reqPerSec} vs ideal ${r.baselineReqPerSec} req/s` });
      if (r.ratioToIdealWithClasses !== undefined) rows.push({ group: at, label: 'GET /users/me, vs ideal + request classes', ours: r.ratioToIdealWithClasses, reference: 1, target: null, better: 'higher', detail: `${r.reqPerSec} vs ${r.idealWithClassesReqPerSec} req/s` });
      if (r.es256OverHs256 !== undefined) rows.push({ group: at, label: 'GET /users/me, ES256 over HS256', ours: r.es256OverHs256, reference: 1, target: 0.95, better: 'higher', detail: `${r.reqPerSec} vs ${r.hs256ReqPerSec} req/s with HS256` });
      if (r.quietRatio !== undefined) rows.push({ group: at, label: 'GET /users/me, log off', ours: r.quietRatio, reference: 1, target: null, better: 'higher', detail: `${r.quietReqPerSec} req/s` });
    }
    if (r.name === 'login') rows.push({ group: at, label: 'POST /login vs bcrypt limit', ours: r.ratio, reference: 1, target: 0.9, better: 'higher', detail: `${r.reqPerSec} vs ${r.bcryptLimitPerSec} /s` });
    if (r.name === 'healthz_during_logins') rows.push({ group: at, label: '/healthz p99, logins / idle', ours: r.ratio, reference: 1, target: 2, better: 'lower', detail: `${r.idleP99} → ${r.stormP99} ms` });
    if (r.name === 'rss') rows.push({ group: at, label: 'peak RSS / 150 MB', ours: r.authbookPeakRssMb / 150, reference: r.baselinePeakRssMb / 150, target: 1, better: 'lower', detail: `${r.authbookPeakRssMb} MB (ideal server ${r.baselinePeakRssMb} MB)` });
  }
  return rows;
}

export const meetsTarget = (row) => row.target === null || (row.better === 'higher' ? row.ours >= row.target : row.ours <= row.target);

/** One SVG: groups by table size, a grey reference bar and our bar per row, the target as a line. */
export function reportSvg(results, machine) {
  const rows = reportRows(results);
  const groups = [...new Set(rows.map((row) => row.group))];
  const scaleMax = Math.max(2.2, ...rows.map((row) => Math.max(row.ours, row.reference, row.target ?? 0) * 1.05));
  const x = (value) => LABEL + (Math.min(value, scaleMax) / scaleMax) * BAR;
  const parts = [];
  let y = 56;
  for (const group of groups) {
    parts.push(`<text x="8" y="${y}" font-weight="bold">${escape(group)}</text>`);
    y += 10;
    for (const row of rows.filter((each) => each.group === group)) {
      const ok = meetsTarget(row);
      const colour = row.target === null ? '#6b7fa8' : ok ? '#2e8b57' : '#c0392b';
      parts.push(`<text x="8" y="${y + 17}">${escape(row.label)}</text>`);
      parts.push(`<rect x="${LABEL}" y="${y + 4}" width="${x(row.reference) - LABEL}" height="7" fill="#c8c8c8"><title>reference ${row.reference.toFixed(2)}</title></rect>`);
      parts.push(`<rect x="${LABEL}" y="${y + 12}" width="${x(row.ours) - LABEL}" height="12" fill="${colour}"><title>${escape(row.detail)}</title></rect>`);
      if (row.target !== null) parts.push(`<line x1="${x(row.target)}" x2="${x(row.target)}" y1="${y + 1}" y2="${y + 27}" stroke="#222" stroke-width="2" stroke-dasharray="3 2"/>`);
      if (row.floor) parts.push(`<line x1="${x(row.floor)}" x2="${x(row.floor)}" y1="${y + 1}" y2="${y + 27}" stroke="#999" stroke-width="1"/>`);
      const mark = row.target === null ? '' : ok ? ' ✓' : ' ✗';
      parts.push(`<text x="${LABEL + BAR + 8}" y="${y + 17}">${row.ours.toFixed(2)}${row.target === null ? '' : ` (${row.better === 'higher' ? '≥' : '≤'} ${row.target})`}${mark}</text>`);
      y += ROW;
    }
    y += 14;
  }
  const title = `npm run bench, ${machine.date.slice(0, 10)}: ${machine.cores} cores, Node ${machine.node}`;
  const legend = `<text x="8" y="36" fill="#555">grey: the reference (ideal server, bcrypt limit, 1.0); bar: authbook as npm start runs it; dashed line: the target</text>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${y}" viewBox="0 0 ${WIDTH} ${y}" font-family="sans-serif" font-size="13">
<rect width="100%" height="100%" fill="#fff"/>
<text x="8" y="18" font-size="15" font-weight="bold">${escape(title)}</text>
${legend}
${parts.join('\n')}
</svg>
`;
}

/** The page: the picture inline (so it survives without its folder), the rows as a table, the machine. */
export function reportHtml(results, machine) {
  const rows = reportRows(results)
    .map((row) => `<tr><td>${escape(row.group)}</td><td>${escape(row.label)}</td><td>${row.ours.toFixed(3)}</td><td>${row.target === null ? '' : `${row.better === 'higher' ? '≥' : '≤'} ${row.target}`}</td><td>${row.target === null ? '' : meetsTarget(row) ? '✓' : '✗'}</td><td>${escape(row.detail)}</td></tr>`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>authbook benchmark ${escape(machine.date)}</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}</style></head>
<body>
<h1>authbook benchmark</h1>
<p>${escape(machine.date)}, ${machine.cores} cores (${escape(machine.cpu ?? 'unknown CPU')}), Node ${escape(machine.node)}, node flags <code>${escape(machine.flags)}</code>.</p>
${reportSvg(results, machine)}
<table><tr><th>table size, store</th><th>measurement</th><th>ratio</th><th>target</th><th></th><th>numbers</th></tr>
${rows}
</table>
<pre>${escape(results.map((r) => JSON.stringify(r)).join('\n'))}</pre>
</body></html>
`;
}
