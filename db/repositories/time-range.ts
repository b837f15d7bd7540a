import { queryOne, type Queryable } from '../pool';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A day without a time (`2026-11-01`), which a range reads as a whole day in the desk's time zone. */
export const isBareDate = (value: string): boolean => DATE.test(value);

/** A time-range bound as SQL: a bare date is a whole day in the time zone `zone()` names; `to` is exclusive after its day. */
export function boundSql(param: string, value: string, edge: 'from' | 'to', zone: () => string): string {
  if (!isBareDate(value)) return `${param}::timestamptz`;
  const day = edge === 'to' ? `(${param}::date + 1)` : `${param}::date`;
  return `(${day}::timestamp AT TIME ZONE ${zone()})`;
}

/** The instants a report's `from` and `to` name (defaults: 30 days ago, now), as PostgreSQL reads them. */
export async function resolveRange(
  db: Queryable,
  bounds: { from?: string; to?: string },
  timezone: string,
): Promise<{ from: Date; to: Date }> {
  const values: unknown[] = [timezone];
  const p = (value: unknown): string => {
    values.push(value);
    return `$${values.length}`;
  };
  const from = bounds.from
    ? boundSql(p(bounds.from), bounds.from, 'from', () => '$1')
    : "now() - interval '30 days'";
  const to = bounds.to ? boundSql(p(bounds.to), bounds.to, 'to', () => '$1') : 'now()';
  const row = await queryOne<{ from: Date; to: Date }>(
    db,
    `SELECT ${from} AS "from", ${to} AS "to", $1::text AS timezone`,
    values,
  );
  if (!row) throw new Error('range query returned no row');
  return row;
}
