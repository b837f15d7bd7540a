/**
 * The SLA policy file's cross-field checks (`sla-policy.ts` runs them through zod): each takes the raw
 * value, because they run even when other fields failed, so that one parse reports every bad field.
 */
import type { z } from 'zod';
import { isDuration, parseDuration } from './duration';
import { isTimeOfDay, minutesOfDay } from './time-zone';
import { PRIORITY_NAME } from './sla-priorities';

// ---- Cross-field checks ---------------------------------------------------------------------
// They run even when other fields failed (ALWAYS), so that one parse reports every bad field.
// Hence they take the raw value as `unknown` and check only what is well-formed enough to compare.

type RefinementCtx = z.core.$RefinementCtx<unknown>;

export function checkUniqueWorkdays(value: unknown, ctx: RefinementCtx): void {
  if (!isArray(value)) {
    return;
  }
  value.forEach((day, index) => {
    if (value.indexOf(day) < index) {
      ctx.addIssue({ code: 'custom', path: [index], message: `repeats weekday ${JSON.stringify(day)}` });
    }
  });
}

export function checkOpeningBeforeClosing(value: unknown, ctx: RefinementCtx): void {
  if (!isArray(value) || value.length !== 2) {
    return;
  }
  const [open, close] = value;
  if (typeof open === 'string' && typeof close === 'string' && isTimeOfDay(open) && isTimeOfDay(close)) {
    if (minutesOfDay(open) >= minutesOfDay(close)) {
      ctx.addIssue({
        code: 'custom',
        path: [1],
        message: `closing time ${close} must be after opening time ${open}`,
      });
    }
  }
}

export function checkLadderIncreases(value: unknown, ctx: RefinementCtx): void {
  if (!isArray(value)) {
    return;
  }
  const afterTexts = value.map((level) => (isRecord(level) ? level.after : undefined));
  afterTexts.forEach((text, index) => {
    const after = durationMsOrNull(text);
    const previous = index > 0 ? durationMsOrNull(afterTexts[index - 1]) : null;
    if (after !== null && previous !== null && after <= previous) {
      ctx.addIssue({
        code: 'custom',
        path: [index, 'after'],
        message: `must be later than the level before it (${JSON.stringify(afterTexts[index - 1])})`,
      });
    }
  });
}

export function checkRemindBeforeExpiry(value: unknown, ctx: RefinementCtx): void {
  if (!isRecord(value)) {
    return;
  }
  const remind = durationMsOrNull(value.remindAfter);
  const expire = durationMsOrNull(value.expireAfter);
  if (remind !== null && expire !== null && remind >= expire) {
    ctx.addIssue({
      code: 'custom',
      path: ['expireAfter'],
      message: `must be longer than remindAfter (${JSON.stringify(value.remindAfter)})`,
    });
  }
}

export function checkDefaultPriority(value: unknown, ctx: RefinementCtx): void {
  if (!isRecord(value) || typeof value.defaultPriority !== 'string' || !isRecord(value.priorities)) {
    return;
  }
  const defined = Object.keys(value.priorities).filter((name) => PRIORITY_NAME.test(name));
  // With no priorities at all, `priorities` is already reported; naming the default too adds nothing.
  if (defined.length > 0 && !defined.includes(value.defaultPriority)) {
    ctx.addIssue({
      code: 'custom',
      path: ['defaultPriority'],
      message: `${JSON.stringify(value.defaultPriority)} is not one of the priorities (${defined.join(', ')})`,
    });
  }
}

export function durationMsOrNull(text: unknown): number | null {
  return isDuration(text) ? parseDuration(text) : null;
}

export function isArray(value: unknown): value is unknown[] {
  return Array.isArray(value);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
