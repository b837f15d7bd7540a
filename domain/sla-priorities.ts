import type { SlaPolicy } from './sla-types';

/**
 * Priority order of an SLA policy. Kept apart from `sla-policy.ts` (which parses the file with zod)
 * because ticket workflows use it: every module a workflow imports is evaluated again for each new
 * workflow, so the workflow bundle must not pull in a schema library.
 */

/** Priority names: P1 (most urgent) to P9. */
export const PRIORITY_NAME = /^P[1-9]$/;

/** The policy's priorities, most urgent first: `["P1", "P2", "P3"]`. */
export function priorities(policy: SlaPolicy): string[] {
  return Object.keys(policy.priorities).sort((a, b) => priorityLevel(a) - priorityLevel(b));
}

/** The next more urgent priority the policy defines (P3 → P2 in a P1-P3 policy); the most urgent stays.
 *
 * A priority the policy lacks (a ticket from before a policy change) still rises to the nearest
 * more urgent one the policy has, so an escalation never fails for it.
 */
export function raisedPriority(policy: SlaPolicy, priority: string): string {
  if (!PRIORITY_NAME.test(priority)) {
    throw new Error(`${JSON.stringify(priority)} is not a priority name like "P1"`);
  }
  const moreUrgent = priorities(policy).filter((name) => priorityLevel(name) < priorityLevel(priority));
  return moreUrgent.at(-1) ?? priority;
}

function priorityLevel(priority: string): number {
  return Number(priority.slice(1));
}
