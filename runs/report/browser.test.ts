/**
 * The nightly report in a real browser: Debian's Chromium (runs/report/browser.ts)
 * opens the rendered file over file:// with every network request blocked and
 * counted, and the page must show no console or page errors, draw every chart
 * (SVG marks of nonzero size, measured by the browser's own layout) and leave
 * a screenshot.
 */
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { withTempDir } from '../test-support.js';
import { BrowserNotFoundError, findChromium, launchChromium } from './browser.js';
import { renderNightlyReport } from './nightly-html.js';
import { buildReportData, NASTY_NODE } from './report-test-support.js';

interface ChartCheck {
  readonly name: string;
  readonly svgWidth: number;
  readonly svgHeight: number;
  /** Mark items (paths, lines, texts inside vega's mark groups). */
  readonly items: number;
  /** Items whose box has both a width and a height. */
  readonly sized: number;
}

test('findChromium: CHROMIUM_PATH first, then the candidates; a clear message when there is none', () => {
  const missing = '/nonexistent/chromium';
  assert.throws(() => findChromium({ CHROMIUM_PATH: missing }), (e: Error) => e instanceof BrowserNotFoundError && e.message.includes(`CHROMIUM_PATH is ${missing}`));
  assert.throws(() => findChromium({}, [missing]), (e: Error) => e instanceof BrowserNotFoundError && e.message.includes('make system-deps') && e.message.includes(missing));
  assert.is(findChromium({}, [missing, process.execPath]), process.execPath);
  assert.is(findChromium({ CHROMIUM_PATH: process.execPath }, [missing]), process.execPath);
});

test('Chromium opens the report offline: no request, no error, every chart drawn, a screenshot', async () => {
  const data = buildReportData({ nodes: 10, hours: 24 });
  const html = await renderNightlyReport(data);
  const expected = [...html.matchAll(/data-chart="([^"]+)"/g)].map((m) => m[1]!);
  assert.is(expected.length, data.forecasts.length + 7);

  await withTempDir('report-browser', async (dir) => {
    const file = join(dir, 'report.html');
    await writeFile(file, html);
    const url = pathToFileURL(file).href;
    const requests: string[] = [];
    const errors: string[] = [];
    const browser = await launchChromium();
    try {
      const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, offline: true });
      await context.route('**/*', (route) => {
        const asked = route.request().url();
        if (asked === url) return route.continue();
        return route.abort('blockedbyclient');
      });
      const page = await context.newPage();
      page.on('request', (r) => {
        if (r.url() !== url && !r.url().startsWith('data:')) requests.push(r.url());
      });
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') errors.push(`console ${m.type()}: ${m.text()}`);
      });
      page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
      const response = await page.goto(url, { waitUntil: 'load' });
      assert.ok(response === null || response.ok(), 'the file opened');

      const checks: ChartCheck[] = await page.$$eval('figure.chart', (figures) => figures.map((f) => {
        const svg = f.querySelector('svg');
        const box = svg ? svg.getBBox() : { width: 0, height: 0 };
        // The project compiles without the DOM library: the one method needed, typed here.
        const items = svg ? Array.from(svg.querySelectorAll('g.role-mark > *')) as unknown as { getBBox(): { width: number; height: number } }[] : [];
        const sized = items.filter((el) => {
          const b = el.getBBox();
          return b.width > 0 && b.height > 0;
        }).length;
        return { name: f.getAttribute('data-chart') ?? '', svgWidth: box.width, svgHeight: box.height, items: items.length, sized };
      }));
      assert.equal(checks.map((c) => c.name), expected, 'every chart container is in the page');
      for (const c of checks) {
        assert.ok(c.svgWidth > 0 && c.svgHeight > 0, `${c.name}: the SVG has a size (${c.svgWidth}×${c.svgHeight})`);
        assert.ok(c.sized > 0, `${c.name}: ${c.sized} of ${c.items} marks have a nonzero size`);
      }
      const heat = checks.find((c) => c.name === 'heatmap')!;
      assert.ok(heat.sized >= data.heatmap.length, `heatmap: ${heat.sized} cells drawn of ${data.heatmap.length}`);

      assert.ok((await page.innerText('body')).includes(NASTY_NODE), 'the node name with <, &, quotes shows as text');
      assert.is(await page.locator('script').count(), 0);
      const csp = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
      assert.ok(csp?.startsWith("default-src 'none'"), 'the CSP is in force');

      const shot = join(dir, 'report.png');
      await page.screenshot({ path: shot, fullPage: true });
      const png = await readFile(shot);
      assert.ok(png.length > 10_000, `screenshot of ${png.length} bytes`);
      assert.equal([...png.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], 'a PNG');
      if (process.env.SHADOWCAST_KEEP_SCREENSHOT) {
        const out = fileURLToPath(new URL('../../../out/', import.meta.url));
        await mkdir(out, { recursive: true });
        await copyFile(shot, join(out, 'nightly-report.png'));
        console.log(`screenshot kept: ${join(out, 'nightly-report.png')}`);
      }
    } finally {
      await browser.close();
    }
    assert.equal(requests, [], 'no network request');
    assert.equal(errors, [], 'no console or page error');
  });
});

test.run();
