import type { Executor } from './tables.js';

/**
 * Returns the stored setting, creating it with `create()` if absent. The first writer wins,
 * so every process of a deployment ends up with the same value.
 */
export async function getOrCreateSetting(db: Executor, key: string, create: () => string): Promise<string> {
  await db.insertInto('platform_settings').values({ key, value: create() }).onConflict((oc) => oc.column('key').doNothing()).execute();
  const row = await db.selectFrom('platform_settings').select('value').where('key', '=', key).executeTakeFirstOrThrow();
  return row.value;
}
