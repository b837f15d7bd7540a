import type { Connection } from '@temporalio/client';
import type { SearchAttributeType } from '@temporalio/common';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { sleep } from './processes';

/** Search attribute types as the CLI's `--search-attribute Name=Type` flag spells them. */
export type DevServerSearchAttributeType =
  'Text' | 'Keyword' | 'Int' | 'Double' | 'Bool' | 'Datetime' | 'KeywordList';

/** CLI spelling → SDK spelling of each search attribute type. */
export const SDK_SEARCH_ATTRIBUTE_TYPE: Readonly<Record<DevServerSearchAttributeType, SearchAttributeType>> =
  {
    Text: 'TEXT',
    Keyword: 'KEYWORD',
    Int: 'INT',
    Double: 'DOUBLE',
    Bool: 'BOOL',
    Datetime: 'DATETIME',
    KeywordList: 'KEYWORD_LIST',
  };

export interface DevServerSearchAttribute {
  readonly name: string;
  readonly type: DevServerSearchAttributeType;
}

/**
 * The CLI registers `--search-attribute`s only on a fresh SQLite file, so on a reused file the
 * missing ones are added here; one registered with another type is a hard error.
 */
export async function ensureSearchAttributes(
  connection: Connection,
  namespace: string,
  wanted: readonly DevServerSearchAttribute[],
  dbFile: string,
): Promise<void> {
  if (wanted.length === 0) return;
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
  const missing: Record<string, NonNullable<ReturnType<typeof encodeSearchAttributeIndexedValueType>>> = {};
  for (const { name, type } of wanted) {
    const want = encodeSearchAttributeIndexedValueType(SDK_SEARCH_ATTRIBUTE_TYPE[type]);
    const have = customAttributes?.[name];
    if (want === undefined) throw new Error(`Unknown search attribute type ${type}`);
    if (have === undefined || have === null) missing[name] = want;
    else if (have !== want) {
      const actual = Object.entries(SDK_SEARCH_ATTRIBUTE_TYPE).find(
        ([, sdkType]) => encodeSearchAttributeIndexedValueType(sdkType) === have,
      )?.[0];
      throw new Error(
        `Search attribute ${name} is ${actual ?? String(have)} in ${dbFile}, but echodesk needs ${type}; ` +
          `move that file away to start afresh.`,
      );
    }
  }
  if (Object.keys(missing).length > 0) {
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: missing });
    await untilUsable(connection, namespace, Object.keys(missing));
  }
}

/**
 * Waits until the frontend maps the attributes just added. Its namespace cache refreshes on a timer
 * (DEV_SERVER_DYNAMIC_CONFIG keeps the server from re-reading the mapping on every request), and a
 * start naming an attribute before then fails with "no mapping defined". A visibility count resolves
 * attributes through the same mapping, without starting anything.
 */
async function untilUsable(
  connection: Connection,
  namespace: string,
  names: readonly string[],
): Promise<void> {
  const query = names.map((name) => `${name} IS NULL`).join(' AND ');
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await connection.workflowService.countWorkflowExecutions({ namespace, query });
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(250);
    }
  }
}
