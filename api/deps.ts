import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import type { Config } from '../config/env';
import type { SlaPolicy } from '../domain/sla-types';

/** What the API needs from the process: made once at start by api/main.ts or scripts/start.ts. */
export interface ApiDeps {
  pool: Pool;
  temporal: Client;
  config: Readonly<Config>;
  policy: SlaPolicy;
}
