import type { S3ConfigStore } from '@monorepo-triggers/s3-config-store';
import { loadConfigDir } from './config-source';

/**
 * The seeding step: with `seed`, puts the example configs from `dir` into the store if it is empty,
 * through the same validation as `triggers put`. Returns how many it put and how many valid configs
 * the store then holds.
 */
export async function seedExampleConfigs(
  store: Pick<S3ConfigStore, 'list' | 'put'>,
  options: { dir: string; seed: boolean },
): Promise<{ seeded: number; configCount: number }> {
  let seeded = 0;
  let existing = await store.list();
  if (options.seed && existing.configs.length + existing.invalid.length === 0) {
    for (const { config } of loadConfigDir(options.dir).configs) {
      await store.put(config);
      seeded++;
    }
    existing = await store.list();
  }
  return { seeded, configCount: existing.configs.length };
}
