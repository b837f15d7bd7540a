/**
 * The one rule for free text, wherever it enters the desk: line breaks become LF, C0/C1 control characters
 * other than tab and newline and lone UTF-16 surrogates are refused (PostgreSQL cannot store them), and what
 * is kept is NFC-normalised. Text of only invisible characters counts as empty.
 */

export type TextProblem = 'control' | 'surrogate';

export type TextCheck = { ok: true; value: string } | { ok: false; problem: TextProblem; message: string };

export const TEXT_MESSAGES: Readonly<Record<TextProblem, string>> = {
  control: 'contains a control character (only tab and newline are allowed)',
  surrogate: 'contains a lone UTF-16 surrogate (not a character)',
};

// After line breaks are normalised: every C0 but tab and LF, DEL, and every C1.
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/u;
const CONTROLS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/gu;
// With the u flag a surrogate pair is one code point, so only lone halves match.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
const LONE_SURROGATES = /[\uD800-\uDFFF]/gu;
// Whitespace, format characters (zero-width space and joiners, BOM, word joiner, bidi controls, soft
// hyphen) and the rest of Default_Ignorable_Code_Point (variation selectors, Hangul fillers).
const INVISIBLE_ONLY = /^[\p{White_Space}\p{Cf}\p{Default_Ignorable_Code_Point}]*$/u;

/** CRLF and lone CR (as HTML textareas send them) become LF. */
export const normalizeNewlines = (s: string): string => s.replace(/\r\n?/g, '\n');

/** The text as the desk keeps it, or why it is refused. */
export function checkText(s: string): TextCheck {
  const lines = normalizeNewlines(s);
  if (LONE_SURROGATE.test(lines))
    return { ok: false, problem: 'surrogate', message: TEXT_MESSAGES.surrogate };
  if (CONTROL.test(lines)) return { ok: false, problem: 'control', message: TEXT_MESSAGES.control };
  return { ok: true, value: lines.normalize('NFC') };
}

/** True when the text shows nothing: only whitespace and invisible characters (or nothing at all). */
export const isBlankText = (s: string): boolean => INVISIBLE_ONLY.test(s);

/** Printable ASCII, tab and newline only: nothing to remove, and already NFC. */
const PLAIN_ASCII = /^[\t\n\x20-\x7E]*$/;

/** The text with every refused code point removed and the rest normalised: for data that bypassed the edge. */
export function sanitizeText(s: string): string {
  if (PLAIN_ASCII.test(s)) return s;
  return normalizeNewlines(s).replace(LONE_SURROGATES, '').replace(CONTROLS, '').normalize('NFC');
}

/**
 * `sanitizeText` over every string (and object key) of a JSON-like value; other values are kept as they
 * are. What needs no change comes back as the same object, so the activities' every write allocates
 * nothing for a clean ticket.
 */
export function sanitizeDeep<T>(value: T): T {
  return sanitizeValue(value) as T;
}

function sanitizeValue(value: unknown): unknown {
  if (typeof value === 'string') return sanitizeText(value);
  if (Array.isArray(value)) {
    const items = value.map(sanitizeValue);
    return items.every((item, i) => item === value[i]) ? value : items;
  }
  if (isPlainObject(value)) {
    let changed = false;
    const entries = Object.entries(value).map(([k, v]) => {
      const key = sanitizeText(k);
      const item = sanitizeValue(v);
      if (key !== k || item !== v) changed = true;
      return [key, item] as const;
    });
    return changed ? Object.fromEntries(entries) : value;
  }
  return value;
}

export interface TextFault {
  /** Where in the value: keys joined by dots (`requester.name`, `skills.0`); '' for the value itself. */
  path: string;
  message: string;
}

/**
 * Checks every string (and object key) of a parsed request part and returns it normalised, or every
 * refused field. Values that are not strings, arrays or plain objects are kept as they are.
 */
export function checkDeep(value: unknown): { ok: true; value: unknown } | { ok: false; faults: TextFault[] } {
  const faults: TextFault[] = [];
  const walk = (v: unknown, path: string[]): unknown => {
    if (typeof v === 'string') {
      const checked = checkText(v);
      if (checked.ok) return checked.value;
      faults.push({ path: path.join('.'), message: checked.message });
      return v;
    }
    if (Array.isArray(v)) return v.map((item, i) => walk(item, [...path, String(i)]));
    if (isPlainObject(v)) {
      return Object.fromEntries(
        Object.entries(v).map(([k, item]) => {
          const key = checkText(k);
          if (!key.ok)
            faults.push({ path: [...path, sanitizeText(k)].join('.'), message: `name ${key.message}` });
          return [key.ok ? key.value : k, walk(item, [...path, key.ok ? key.value : sanitizeText(k)])];
        }),
      );
    }
    return v;
  };
  const checked = walk(value, []);
  return faults.length === 0 ? { ok: true, value: checked } : { ok: false, faults };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}
