/**
 * The SLA policy: time limits per priority, the working calendar, the escalation ladders and the
 * survey window. `parseSlaPolicy` turns the JSON file (see DESIGN.md, "SLA policy file") into plain,
 * JSON-serialisable values that travel inside Temporal workflow inputs.
 */
import { z } from 'zod';

import { durationErrorMessage, isDuration, parseDuration } from './duration';
import { isCalendarDate, isTimeOfDay, isTimeZone, workingDayMs } from './sla-clock';
import {
  checkDefaultPriority,
  checkLadderIncreases,
  checkOpeningBeforeClosing,
  checkRemindBeforeExpiry,
  checkUniqueWorkdays,
} from './sla-policy-checks';
import { PRIORITY_NAME } from './sla-priorities';
import {
  CLOCK_KINDS,
  NOTIFY_TARGETS,
  type EscalationLevel,
  type PriorityLimits,
  type SlaPolicy,
} from './sla-types';

export interface SlaPolicyIssue {
  /** Where in the file, e.g. `priorities.P2.respond` or `escalation.resolve[1].after`. */
  path: string;
  message: string;
}

/** An SLA policy that fails validation; `issues` names every bad field, and so does the message. */
export class SlaPolicyError extends Error {
  override readonly name = 'SlaPolicyError';

  constructor(
    readonly issues: SlaPolicyIssue[],
    options: { source?: string } = {},
  ) {
    const where = options.source === undefined ? '' : ` in ${options.source}`;
    const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
    const lines = issues.map((issue) => `  - ${issue.path}: ${issue.message}`);
    super([`Invalid SLA policy${where} (${count}):`, ...lines].join('\n'));
  }
}

/** The policy file as written; durations are still strings. */
export type SlaPolicyFile = z.output<typeof SlaPolicyFileSchema>;

/** Parse and validate the policy file's JSON value; throws `SlaPolicyError` listing every bad field. */
export function parseSlaPolicy(json: unknown): SlaPolicy {
  const result = SlaPolicyFileSchema.safeParse(json, { error: fallbackMessage });
  if (!result.success) {
    throw new SlaPolicyError(result.error.issues.flatMap(toPolicyIssues));
  }
  return resolvePolicy(result.data);
}

// ---- File schema ----------------------------------------------------------------------------

/** Run a refinement even when parsing already found problems elsewhere, so one parse reports all. */
const ALWAYS = { when: () => true };

function durationText(options: { positive: boolean }) {
  return z.string().superRefine((text, ctx) => {
    if (!isDuration(text)) {
      ctx.addIssue({ code: 'custom', message: durationErrorMessage(text) });
    } else if (options.positive && parseDuration(text) === 0) {
      ctx.addIssue({ code: 'custom', message: `must be longer than "0s"` });
    }
  });
}

function oneOf<const T extends readonly [string, ...string[]]>(values: T, what: string) {
  const choices = values.map((value) => JSON.stringify(value)).join(', ');
  return z.enum(values, {
    error: (issue) =>
      issue.input === undefined
        ? 'is required'
        : `${JSON.stringify(issue.input)} is not ${what}: use one of ${choices}`,
  });
}

const WEEKDAY_MESSAGE = 'must be an ISO weekday from 1 (Monday) to 7 (Sunday)';

const TimeOfDayText = z.string().refine(isTimeOfDay, {
  error: (issue) => `${JSON.stringify(issue.input)} is not a time of day like "08:00"`,
});

const CalendarSchema = z.strictObject({
  timezone: z.string().refine(isTimeZone, {
    error: (issue) => `${JSON.stringify(issue.input)} is not an IANA time zone like "Asia/Shanghai"`,
  }),
  workdays: z
    .array(z.int(WEEKDAY_MESSAGE).min(1, WEEKDAY_MESSAGE).max(7, WEEKDAY_MESSAGE))
    .min(1, 'must list at least one working day')
    .superRefine(checkUniqueWorkdays, ALWAYS),
  hours: z
    .tuple([TimeOfDayText, TimeOfDayText], {
      error: (issue) =>
        issue.code === 'too_small' || issue.code === 'too_big'
          ? 'must be [opening, closing] like ["08:00", "18:00"]'
          : undefined,
    })
    .superRefine(checkOpeningBeforeClosing, ALWAYS),
  holidays: z.array(
    z.string().refine(isCalendarDate, {
      error: (issue) => `${JSON.stringify(issue.input)} is not a calendar date like "2026-10-01"`,
    }),
  ),
});

const PriorityLimitsSchema = z.strictObject({
  respond: durationText({ positive: true }),
  resolve: durationText({ positive: true }),
  clock: oneOf(CLOCK_KINDS, 'a clock'),
});

const EscalationLevelSchema = z.strictObject({
  after: durationText({ positive: false }),
  notify: z.array(oneOf(NOTIFY_TARGETS, 'a role')).min(1, 'must name at least one role to notify'),
  reassign: z.boolean().optional(),
  raisePriority: z.boolean().optional(),
});

const EscalationLadderSchema = z.array(EscalationLevelSchema).superRefine(checkLadderIncreases, ALWAYS);

export const SlaPolicyFileSchema = z
  .strictObject({
    calendar: CalendarSchema,
    priorities: z
      .record(z.string().regex(PRIORITY_NAME), PriorityLimitsSchema, {
        error: (issue) =>
          issue.code === 'invalid_key' ? 'is not a priority name: use P1 (most urgent) to P9' : undefined,
      })
      .refine((record) => Object.keys(record).length > 0, 'must define at least one priority'),
    defaultPriority: z.string(),
    escalation: z.strictObject({ respond: EscalationLadderSchema, resolve: EscalationLadderSchema }),
    survey: z
      .strictObject({
        remindAfter: durationText({ positive: true }),
        expireAfter: durationText({ positive: true }),
      })
      .superRefine(checkRemindBeforeExpiry, ALWAYS),
  })
  .superRefine(checkDefaultPriority, ALWAYS);

// ---- Issues ---------------------------------------------------------------------------------

/** Messages for the issues the schemas above leave to zod's defaults. */
const fallbackMessage: z.core.$ZodErrorMap = (issue) => {
  if (issue.code !== 'invalid_type') {
    return undefined;
  }
  if (issue.input === undefined) {
    return 'is required';
  }
  return `must be ${EXPECTED[issue.expected] ?? issue.expected}, not ${describeValue(issue.input)}`;
};

const EXPECTED: Partial<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'an object',
  array: 'an array',
  tuple: 'an array',
  record: 'an object',
};

function describeValue(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  if (Array.isArray(value)) {
    return 'an array';
  }
  return typeof value === 'object' ? 'an object' : JSON.stringify(value);
}

/** One issue per bad field: zod reports all unknown keys of an object as one issue, we name each. */
function toPolicyIssues(issue: z.core.$ZodIssue): SlaPolicyIssue[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({
      path: formatPath([...issue.path, key]),
      message: 'is not a known field',
    }));
  }
  return [{ path: formatPath(issue.path), message: issue.message }];
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) {
    return '(root)';
  }
  return path
    .map((part, index) =>
      typeof part === 'number' ? `[${part}]` : `${index === 0 ? '' : '.'}${String(part)}`,
    )
    .join('');
}

// ---- Resolution -----------------------------------------------------------------------------

function resolvePolicy(file: SlaPolicyFile): SlaPolicy {
  const businessDayMs = workingDayMs(file.calendar);
  const resolvePriority = (limits: SlaPolicyFile['priorities'][string]): PriorityLimits => {
    const dayMs = limits.clock === 'business' ? businessDayMs : undefined;
    return {
      respondMs: parseDuration(limits.respond, { dayMs }),
      resolveMs: parseDuration(limits.resolve, { dayMs }),
      clock: limits.clock,
    };
  };
  return {
    calendar: {
      timezone: file.calendar.timezone,
      workdays: [...file.calendar.workdays].sort((a, b) => a - b),
      hours: [file.calendar.hours[0], file.calendar.hours[1]],
      holidays: [...file.calendar.holidays].sort(),
    },
    priorities: Object.fromEntries(
      Object.entries(file.priorities).map(([name, limits]) => [name, resolvePriority(limits)]),
    ),
    defaultPriority: file.defaultPriority,
    escalation: {
      respond: file.escalation.respond.map(resolveLevel),
      resolve: file.escalation.resolve.map(resolveLevel),
    },
    survey: {
      remindAfterMs: parseDuration(file.survey.remindAfter),
      expireAfterMs: parseDuration(file.survey.expireAfter),
    },
  };
}

function resolveLevel(level: SlaPolicyFile['escalation']['respond'][number]): EscalationLevel {
  return {
    afterMs: parseDuration(level.after),
    notify: [...level.notify],
    reassign: level.reassign ?? false,
    raisePriority: level.raisePriority ?? false,
  };
}
