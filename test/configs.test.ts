import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { loadConfig } from '../src/config/load.ts';

// Every shipped config must validate: a typo in a shipped file is a bug users would hit first.
for (const file of readdirSync('configs').filter((f) => f.endsWith('.yaml'))) {
  test(`configs/${file} validates`, () => {
    const c = loadConfig(`configs/${file}`);
    assert.ok(c.net.conv.length >= 1);
  });
}

test('dcase2019.yaml pools 864 frames to 108 like the 2019 baseline', () => {
  const c = loadConfig('configs/dcase2019.yaml');
  // 1 + floor(441000 / 511) = 864 frames with centred framing; time pools 2·2·2 = 8 → 108
  assert.equal(1 + Math.floor(441000 / c.features.hop_length), 864);
  assert.equal(c.net.conv.reduce((p, b) => p * b.pool[0], 1), 8);
});
