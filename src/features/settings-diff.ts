/**
 * Why a feature store and a config disagree, in words: the settings that differ, each as
 * `features.n_mels: store 64, config 128`, instead of two hashes nobody can read.
 */
import { canonicalJson, featureSettingsHash } from '../config/load.ts';
import type { FeatureSettings } from '../config/types.ts';
import { ConfigError } from '../errors.ts';

/** One differing setting: its dotted key path under `features`, the store's value and the config's (undefined = absent). */
export interface SettingDifference {
  keyPath: string;
  store: unknown;
  config: unknown;
}

/** The settings whose values differ between `store` and `config`, depth first, in the config's key order. */
export function featureSettingsDiff(store: unknown, config: unknown, prefix = 'features'): SettingDifference[] {
  const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (isObject(store) && isObject(config)) {
    const keys = [...new Set([...Object.keys(config), ...Object.keys(store)])];
    return keys.flatMap((k) => featureSettingsDiff(store[k], config[k], `${prefix}.${k}`));
  }
  return canonicalJson(store) === canonicalJson(config) ? [] : [{ keyPath: prefix, store, config }];
}

const show = (v: unknown) => (v === undefined ? '(absent)' : typeof v === 'string' ? v : JSON.stringify(v));

/** `features.n_mels: store 64, config 128; features.hop_length: store 320, config 640`. */
export function describeDifferences(diffs: SettingDifference[], configName = 'config'): string {
  return diffs.map((d) => `${d.keyPath}: store ${show(d.store)}, ${configName} ${show(d.config)}`).join('; ');
}

/**
 * Throws a ConfigError naming the first differing key when `config`'s feature settings are not those the store at
 * `storeDir` was made with. `configName` says whose settings they are in the message ('config', or 'run' for eval).
 * `storeSettings`/`storeHash` come from the store's features.json.
 */
export function checkStoreSettings(storeDir: string, storeSettings: FeatureSettings, storeHash: string, config: FeatureSettings, configName = 'config'): void {
  const hash = featureSettingsHash(config);
  if (hash === storeHash) return;
  const diffs = featureSettingsDiff(storeSettings, config);
  const fix = `re-run \`npx sed features\` with the ${configName}'s settings into another --out, or pass --features of a store made with them`;
  if (!diffs.length)
    throw new ConfigError('features', `every setting equals the store's in ${storeDir}, but the settings hash differs (store ${storeHash}, ${configName} ${hash}): the store was made by another version of sed; ${fix}`);
  const [first, ...rest] = diffs;
  const also = rest.length ? ` (also ${describeDifferences(rest, configName)})` : '';
  throw new ConfigError(first.keyPath, `store ${show(first.store)}, ${configName} ${show(first.config)}: the feature store ${storeDir} was made with other settings${also}; ${fix}`);
}
