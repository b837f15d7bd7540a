import { defineSearchAttributeKey, type SearchAttributeType } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { SEARCH_ATTRIBUTES } from '../../domain/search-attributes';
import { resolveTemporalCli, resolveTemporalTestServer } from '../../devstack/temporal-binaries';
import {
  SDK_SEARCH_ATTRIBUTE_TYPE,
  type DevServerSearchAttribute,
} from '../../devstack/temporal-search-attributes';

const { IndexedValueType } = temporal.api.enums.v1;

/** A time-skipping test server on a free port, run from the binary global setup resolved. */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const path = process.env.TEMPORAL_TEST_SERVER_PATH || (await resolveTemporalTestServer());
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path } },
  });
  // Ticket workflows upsert echodesk's search attributes; the test server accepts them once registered.
  const { KEYWORD, BOOL } = {
    KEYWORD: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
    BOOL: IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  };
  await env.connection.operatorService.addSearchAttributes({
    namespace: 'default',
    searchAttributes: Object.fromEntries(
      SEARCH_ATTRIBUTES.map(({ name, type }) => [name, type === 'Bool' ? BOOL : KEYWORD]),
    ),
  });
  return env;
}

/** An in-memory Temporal dev server (real server, real clock) with echodesk's search attributes registered. */
export async function createDevServerEnv(
  opts: { namespace?: string } = {},
): Promise<TestWorkflowEnvironment> {
  const path = process.env.TEMPORAL_CLI_PATH || (await resolveTemporalCli());
  return await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path },
      ip: '127.0.0.1',
      namespace: opts.namespace ?? 'default',
      searchAttributes: toSdkSearchAttributes(SEARCH_ATTRIBUTES),
      log: { format: 'json', level: 'error' },
    },
  });
}

/** Maps `{ name, type: 'Keyword' }` entries to the SDK's typed search attribute keys. */
export function toSdkSearchAttributes(attributes: readonly DevServerSearchAttribute[]) {
  return attributes.map(({ name, type }) =>
    defineSearchAttributeKey<SearchAttributeType>(name, SDK_SEARCH_ATTRIBUTE_TYPE[type]),
  );
}
