import { stringify } from 'csv-stringify';
import type { Response } from 'express';

/**
 * The one CSV writer: UTF-8 with a byte-order mark, so Excel in a zh-CN locale opens it as UTF-8
 * (without the mark it reads GBK and garbles every Chinese character), CRLF line ends, RFC 4180 quoting.
 * Rows are streamed as they come, so an export of any size never sits whole in memory.
 */
export const CSV_BOM = '\ufeff';

export async function sendCsv(
  res: Response,
  filename: string,
  header: readonly string[],
  rows: AsyncIterable<readonly unknown[]> | Iterable<readonly unknown[]>,
): Promise<void> {
  res.type('text/csv; charset=utf-8').attachment(filename);
  res.write(CSV_BOM);
  const csv = stringify({ record_delimiter: 'windows', cast: { boolean: (v) => (v ? 'true' : 'false') } });
  csv.pipe(res);
  const write = (row: readonly unknown[]) =>
    csv.write(row) ? Promise.resolve() : new Promise<void>((resolve) => csv.once('drain', resolve));
  await write(header);
  for await (const row of rows) await write(row);
  csv.end();
  await new Promise<void>((resolve, reject) => {
    res.once('finish', resolve);
    res.once('error', reject);
  });
}
