/**
 * Text as PostgreSQL and people can take it. The edge refuses what this strips (api/ validation); the
 * activities strip it as well, so a ticket started with such text before the edge refused it still heals.
 */

/** C0 and C1 controls other than tab and newline, DEL, and UTF-16 surrogates that are not part of a pair. */
// With the `u` flag a surrogate pair is one code point (outside this class): only lone halves match.
const FORBIDDEN = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\ud800-\udfff]/gu;

/** Carriage returns are line ends from a form (CRLF or a lone CR): they become newlines. */
const CARRIAGE_RETURN = /\r\n?/g;

/** `text` without forbidden code points, line ends as `\n`, in Unicode NFC. */
export function sanitizeText(text: string): string {
  const lines = text.includes('\r') ? text.replace(CARRIAGE_RETURN, '\n') : text;
  FORBIDDEN.lastIndex = 0;
  const clean = FORBIDDEN.test(lines) ? lines.replace(FORBIDDEN, '') : lines;
  return clean.normalize('NFC');
}

/** A JSON value with every string (keys included) passed through `sanitizeText`; the same object when nothing changes. */
export function sanitizeDeep<T>(value: T): T {
  return clean(value) as T;
}

function clean(value: unknown): unknown {
  if (typeof value === 'string') return sanitizeText(value);
  if (Array.isArray(value)) {
    const items = value.map(clean);
    return items.every((item, i) => item === value[i]) ? value : items;
  }
  if (value != null && typeof value === 'object') {
    let changed = false;
    const entries = Object.entries(value).map(([key, item]) => {
      const k = sanitizeText(key);
      const v = clean(item);
      if (k !== key || v !== item) changed = true;
      return [k, v] as const;
    });
    return changed ? Object.fromEntries(entries) : value;
  }
  return value;
}
