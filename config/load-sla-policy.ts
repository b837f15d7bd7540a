/**
 * Reads the SLA policy file at start-up (`config/sla-policy.json`, or `ECHODESK_SLA_POLICY`), so an
 * invalid file stops the process with every bad field named, not the first ticket that needs it.
 */
import { readFileSync } from 'node:fs';

import { parseSlaPolicy, SlaPolicyError } from '../domain/sla-policy';
import type { SlaPolicy } from '../domain/sla-types';

/** The validated, deep-frozen policy in the JSON file at `path`; every error names the file. */
export function loadSlaPolicy(path: string): SlaPolicy {
  const json = parseJson(readText(path), path);
  try {
    return deepFreeze(parseSlaPolicy(json));
  } catch (error) {
    if (error instanceof SlaPolicyError) {
      throw new SlaPolicyError(error.issues, { source: path });
    }
    throw error;
  }
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`Cannot read SLA policy file ${path}: ${messageOf(error)}`, { cause: error });
  }
}

function parseJson(text: string, path: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new Error(`SLA policy file ${path} is not valid JSON: ${messageOf(error)}`, { cause: error });
  }
}

/** The message of anything thrown; checked by shape, since errors from another realm fail `instanceof Error`. */
function messageOf(error: unknown): string {
  if (
    typeof error === 'object' &&
    error !== null &&
    'message' in error &&
    typeof error.message === 'string'
  ) {
    return error.message;
  }
  return String(error);
}

/** Configuration is read once and shared, so nobody may change it afterwards by accident. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}
