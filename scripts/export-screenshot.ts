/**
 * The README's screenshot of the export page: exports a run, serves it on 127.0.0.1, drops a WAV on the page in
 * Debian's Chromium (playwright-core, no downloaded browser) and saves a PNG.
 *   node --import tsx scripts/export-screenshot.ts RUN WAV OUT.png
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { chromium } from 'playwright-core';
import { main } from '../src/cli/main.ts';
import { CHROMIUM_FLAGS, serveFolder } from '../test/helpers/static-server.ts';

const [run, wav, png] = process.argv.slice(2);
if (!run || !wav || !png) {
  console.error('usage: node --import tsx scripts/export-screenshot.ts RUN WAV OUT.png');
  process.exit(2);
}
const dir = mkdtempSync(join(tmpdir(), 'sed-shot-'));
const code = await main(['node', 'sed', '-q', 'export', '--run', run, '--out', join(dir, 'web')]);
if (code !== 0) process.exit(code);
const { server, baseUrl } = await serveFolder(join(dir, 'web'));
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_FLAGS });
try {
  const page = await browser.newPage({ viewport: { width: 1000, height: 640 } });
  await page.goto(`${baseUrl}?backend=wasm`);
  await page.evaluate(() => window.sedWeb.ready);
  await page.evaluate(
    ({ name, data }) => {
      const file = new File([Uint8Array.from(atob(data), (c) => c.charCodeAt(0))], name, { type: 'audio/wav' });
      const transfer = new DataTransfer();
      transfer.items.add(file);
      document.getElementById('drop')!.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    },
    { name: basename(wav), data: readFileSync(wav).toString('base64') },
  );
  await page.waitForFunction(() => /events? in /.test(document.getElementById('events-caption')!.textContent ?? ''));
  await page.screenshot({ path: png, fullPage: true });
  console.log(`${png}: ${await page.textContent('#events-caption')}`);
} finally {
  await browser.close();
  server.close();
  rmSync(dir, { recursive: true, force: true });
}
