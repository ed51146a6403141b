/**
 * The pieces of shadowcast's self-contained HTML reports: escaping, plain
 * tables, chart figures and the page shell. The shell's Content-Security-Policy
 * forbids every load (scripts, fonts, images other than data: URLs,
 * connections), so a report opens, and stays, offline: everything it shows is
 * inline markup and CSS.
 */

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for HTML content or a quoted attribute: every string that comes from data goes through here. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** Nothing may be fetched: no scripts at all, only inline styles, images only as data: URLs. */
export const CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

export type Cell = string | number | null;

/**
 * A plain table; every cell is escaped here, null shows as a dash. The first
 * column heads its row; columns from `leftColumns` on hold figures and are
 * right-aligned (as in the terminal tables of runs/format.ts).
 */
export function htmlTable(header: readonly string[], rows: readonly (readonly Cell[])[], caption?: string, leftColumns = 1): string {
  const cell = (c: Cell, i: number) => {
    const tag = i === 0 ? 'th' : 'td';
    const cls = c === null ? ' class="none"' : i >= leftColumns ? ' class="num"' : '';
    return `<${tag}${cls}>${c === null ? '–' : escapeHtml(String(c))}</${tag}>`;
  };
  const head = `<thead><tr>${header.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('')}</tr></thead>`;
  const body = rows.map((r) => `<tr>${r.map(cell).join('')}</tr>`).join('\n');
  return `<table>${caption ? `<caption>${escapeHtml(caption)}</caption>` : ''}${head}<tbody>\n${body}\n</tbody></table>`;
}

/**
 * Vega numbers the ids inside its SVG (gradients, clips) from a counter of the
 * process, so the same chart gets other ids in another run. Renaming them
 * after the chart, in order of appearance, makes a page the same bytes for
 * the same data and keeps ids unique among the charts of one page.
 */
export function scopeSvgIds(scope: string, svg: string): string {
  const renamed = new Map<string, string>();
  for (const m of svg.matchAll(/\sid="([^"]+)"/g)) if (!renamed.has(m[1]!)) renamed.set(m[1]!, `${scope}-${renamed.size + 1}`);
  if (renamed.size === 0) return svg;
  return svg.replace(/(\sid="|url\(#|href="#)([^")]+)/g, (whole, lead: string, id: string) => (renamed.has(id) ? lead + renamed.get(id)! : whole));
}

/** A chart: the SVG vega rendered, in a container the browser test finds by `data-chart`. The name is an identifier chosen by the code, never data. */
export function chartFigure(name: string, svg: string, label: string): string {
  return `<figure class="chart" data-chart="${escapeHtml(name)}" role="img" aria-label="${escapeHtml(label)}">${scopeSvgIds(`chart-${name}`, svg)}</figure>`;
}

/** A section with a heading; the id is chosen by the code. */
export function section(id: string, heading: string, body: string): string {
  return `<section id="${escapeHtml(id)}">\n<h2>${escapeHtml(heading)}</h2>\n${body}\n</section>`;
}

/** A sentence instead of a chart, for a section with nothing to draw. */
export function emptyNote(text: string): string {
  return `<p class="empty">${escapeHtml(text)}</p>`;
}

const STYLE = `
body{font-family:system-ui,sans-serif;margin:0 auto;max-width:1000px;padding:1rem 1.5rem;color:#1b1b1b;background:#fff}
h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2.2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}
h3{font-size:1rem;margin-top:1.4rem}
.meta{color:#555;margin-top:0}
figure.chart{margin:.6rem 0;overflow-x:auto}
table{border-collapse:collapse;font-size:.82rem;margin:.4rem 0 1rem}
caption{text-align:left;color:#555;padding:.2rem 0}
th,td{border:1px solid #ddd;padding:.15rem .45rem;text-align:left;vertical-align:top}
thead th{background:#f4f4f4}.num{text-align:right;font-variant-numeric:tabular-nums}
tbody th{font-weight:normal}
td.none{color:#999;text-align:center}
.empty{color:#555;font-style:italic}
.warnings li{color:#8a4b00}
.risk{color:#b00;font-weight:bold}
details>summary{cursor:pointer;color:#333}
nav ul{columns:2;padding-left:1.2rem}
`;

/** The whole page: doctype, charset, CSP, inline style, the body. */
export function htmlPage(title: string, body: string): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // An empty data: icon, so that a browser does not ask for /favicon.ico.
    '<link rel="icon" href="data:,">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    body,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
