import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, it } from 'node:test';
import { MODES, useTestApp } from './support/harness.js';

// The api process serves the built web app at `/`: its files, index.html for every client-side
// route, and never the page for API paths.
for (const mode of MODES) {
  describe(`web app serving (${mode})`, () => {
    const ctx = useTestApp(mode);

    it('answers index.html at / and for deep links, its assets with their types, and problem+json under /api/', async () => {
      const home = await ctx.api.get('/');
      assert.equal(home.status, 200);
      assert.match(String(home.headers['content-type']), /text\/html/);
      assert.match(home.text, /<div id="root"><\/div>/);
      const script = /src="(\/assets\/[^"]+\.js)"/.exec(home.text)?.[1];
      assert.ok(script, 'index.html names its script');
      const asset = await ctx.api.get(script);
      assert.equal(asset.status, 200);
      assert.match(String(asset.headers['content-type']), /javascript/);
      for (const path of ['/flash-sales/0f0e0d0c-0b0a-4988-8776-655443322110', '/account/orders?status=paid', '/admin/audit-log']) {
        const page = await ctx.api.get(path);
        assert.equal(page.status, 200, path);
        assert.equal(page.text, home.text, `${path} is the app's page`);
      }
      const missing = await ctx.api.get('/api/v1/no-such-thing');
      assert.equal(missing.status, 404);
      assert.match(String(missing.headers['content-type']), /application\/problem\+json/);
      assert.equal((missing.body as { code: string }).code, 'not_found');
      assert.equal((await ctx.api.get('/assets/no-such-file.js')).status, 404, 'a missing build file is a 404, not the page');
    });

    it('serves a file added to the build after start-up (a rebuild needs no restart)', async () => {
      const extra = new URL('../web/dist/serving-probe.txt', import.meta.url);
      fs.writeFileSync(extra, 'probe');
      try {
        const res = await ctx.api.get('/serving-probe.txt');
        assert.equal(res.status, 200);
        assert.equal(res.text, 'probe');
      } finally {
        fs.rmSync(extra);
      }
    });
  });
}
