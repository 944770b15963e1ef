import { common } from './common';
import { store } from './store';
import { account } from './account';
import { seller } from './seller';
import { admin } from './admin';

/** One dictionary per area of the app, so each area's words live next to each other. */
export interface AreaMessages {
  en: Record<string, string>;
  zh: Record<string, string>;
}

const areas: AreaMessages[] = [common, store, account, seller, admin];

export const dictionaries = {
  en: Object.assign({}, ...areas.map((area) => area.en)) as Record<string, string>,
  zh: Object.assign({}, ...areas.map((area) => area.zh)) as Record<string, string>,
};
