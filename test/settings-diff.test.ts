/** A feature store / config mismatch names every differing setting with both values (issue: two bare hashes). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveConfig, featureSettingsHash } from '../src/config/load.ts';
import { ConfigError } from '../src/errors.ts';
import { checkStoreSettings, describeDifferences, featureSettingsDiff } from '../src/features/settings-diff.ts';

const store = resolveConfig({ features: { n_mels: 64, hop_length: 320 } }).features;

test('featureSettingsDiff lists each differing key path with both values, nested ones included', () => {
  const config = structuredClone(store);
  config.n_mels = 128;
  config.log = { ...config.log, top_db: 60 } as typeof config.log;
  assert.deepEqual(featureSettingsDiff(store, store), []);
  const diffs = featureSettingsDiff(store, config);
  assert.deepEqual(diffs, [
    { keyPath: 'features.n_mels', store: 64, config: 128 },
    { keyPath: 'features.log.top_db', store: (store.log as { top_db?: unknown }).top_db, config: 60 },
  ]);
  // a key one side lacks is shown as absent
  assert.equal(describeDifferences([{ keyPath: 'features.x', store: undefined, config: 'a' }], 'run'), 'features.x: store (absent), run a');
});

test('checkStoreSettings: silent when equal, else a ConfigError at the first differing key', () => {
  checkStoreSettings('feat', store, featureSettingsHash(store), store);
  const config = { ...store, n_mels: 128, hop_length: 640 };
  assert.throws(
    () => checkStoreSettings('feat', store, featureSettingsHash(store), config),
    (e: unknown) =>
      e instanceof ConfigError &&
      // keys in the schema's order: hop_length comes before n_mels
      e.keyPath === 'features.hop_length' &&
      e.message.startsWith('features.hop_length: store 320, config 640: the feature store feat was made with other settings (also features.n_mels: store 64, config 128); re-run `npx sed features`'),
  );
  // eval compares the run's settings
  assert.throws(() => checkStoreSettings('feat', store, featureSettingsHash(store), config, 'run'), /features\.hop_length: store 320, run 640: .*also features\.n_mels: store 64, run 128/);
  // equal settings under another hash (another sed version) still say what happened
  assert.throws(() => checkStoreSettings('feat', store, '0123456789abcdef', store), /every setting equals the store's in feat, but the settings hash differs \(store 0123456789abcdef/);
});
