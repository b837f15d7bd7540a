import { query, type Queryable } from '../pool';

export interface CategoryRow {
  code: string;
  name: string;
  nameEn: string;
  placeKinds: string[];
}

/** The categories a requester can choose, in their display order. */
export const listCategories = (db: Queryable): Promise<CategoryRow[]> =>
  query<CategoryRow>(
    db,
    `SELECT code, name, name_en AS "nameEn", place_kinds AS "placeKinds" FROM categories WHERE active ORDER BY sort, code`,
  );
