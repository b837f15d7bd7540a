import { checkDeep, checkText, isBlankText, sanitizeDeep, sanitizeText, TEXT_MESSAGES } from './text';

describe('checkText', () => {
  test.each([
    ['NUL', 'a\u0000b'],
    ['BEL', 'a\u0007b'],
    ['vertical tab', 'a\u000bb'],
    ['form feed', 'a\u000cb'],
    ['ESC', 'a\u001bb'],
    ['DEL', 'a\u007fb'],
    ['C1 NEL', 'a\u0085b'],
    ['C1 CSI', 'a\u009bb'],
  ])('when the text holds %s, then it is refused as a control character', (_name, s) => {
    expect(checkText(s)).toEqual({ ok: false, problem: 'control', message: TEXT_MESSAGES.control });
  });

  test.each([
    ['a lone high surrogate', 'a\ud800b'],
    ['a lone low surrogate', 'a\udc00b'],
    ['a high surrogate at the end', 'ab\udbff'],
    ['two halves in the wrong order', '\ude00\ud83d'],
  ])('when the text holds %s, then it is refused', (_name, s) => {
    expect(checkText(s)).toEqual({ ok: false, problem: 'surrogate', message: TEXT_MESSAGES.surrogate });
  });

  test('when the text holds tab, newline, emoji, CJK, RTL override and zero-width characters, then it is kept', () => {
    const s = '网络\t断开\n😀🧑‍🔧 \u202eevil\u202c zero\u200bwidth';
    expect(checkText(s)).toEqual({ ok: true, value: s });
  });

  test('when the text has CRLF or lone CR line breaks, then they become LF', () => {
    expect(checkText('one\r\ntwo\rthree\n')).toEqual({ ok: true, value: 'one\ntwo\nthree\n' });
  });

  test('when the text is decomposed, then it is NFC-normalised', () => {
    const decomposed = 'Cafe\u0301 e\u0301';
    expect(checkText(decomposed)).toEqual({ ok: true, value: 'Café é' });
  });
});

describe('isBlankText', () => {
  test.each([
    ['empty', ''],
    ['spaces and newlines', ' \n\t '],
    ['zero-width space', '\u200b'],
    ['joiners and word joiner', '\u200c\u200d\u2060'],
    ['BOM', '\ufeff'],
    ['soft hyphen', '\u00ad'],
    ['ideographic space', '\u3000'],
    ['bidi controls', '\u202e\u202c\u2066'],
    ['variation selector and Hangul filler', '\ufe0f\u3164'],
  ])('when the text is %s only, then it is blank', (_name, s) => {
    expect(isBlankText(s)).toBe(true);
  });

  test.each([['a'], ['网'], ['😀'], ['\u200ba\u200b'], ['-']])(
    'when the text is %j, then it is not blank',
    (s) => {
      expect(isBlankText(s)).toBe(false);
    },
  );
});

describe('sanitizeText and sanitizeDeep', () => {
  test('when text holds refused code points, then they are removed and the rest kept, LF-ended and NFC', () => {
    expect(sanitizeText('a\u0000b\ud800c\r\nd\u0085e\u0301😀')).toBe('abc\ndé😀');
  });

  test('when text is already clean, then it is unchanged', () => {
    expect(sanitizeText('教室网络断开 😀\n\tok')).toBe('教室网络断开 😀\n\tok');
  });

  test('when a JSON value holds refused code points in strings and keys, then every one is removed', () => {
    const input = {
      description: 'a\u0000b',
      requester: { name: '张\ud800三', phone: null, tags: ['x\u001by', 3, true] },
      'ke\u0000y': 'v',
    };
    expect(sanitizeDeep(input)).toEqual({
      description: 'ab',
      requester: { name: '张三', phone: null, tags: ['xy', 3, true] },
      key: 'v',
    });
  });
});

describe('sanitizeDeep on clean values', () => {
  test('when nothing needs cleaning, then the very same object comes back (no copy on every write)', () => {
    const clean = { state: { number: 'R2026-000001', description: '教室网络断开' }, events: [{ seq: 1 }] };
    expect(sanitizeDeep(clean)).toBe(clean);
    const dirty = { state: { description: 'a\u0000b' }, events: clean.events };
    const cleaned = sanitizeDeep(dirty);
    expect(cleaned).not.toBe(dirty);
    expect(cleaned.events).toBe(clean.events);
    expect(cleaned.state.description).toBe('ab');
  });
});

describe('checkDeep', () => {
  test('when every string is clean, then the value comes back normalised', () => {
    expect(checkDeep({ a: 'e\u0301', b: ['x\r\ny'], c: 1 })).toEqual({
      ok: true,
      value: { a: 'é', b: ['x\ny'], c: 1 },
    });
  });

  test('when strings deep in the value are refused, then each fault names its path', () => {
    const result = checkDeep({
      description: 'a\u0000b',
      requester: { name: 'a\ud800' },
      skills: ['ok', '\u0007'],
    });
    expect(result).toEqual({
      ok: false,
      faults: [
        { path: 'description', message: TEXT_MESSAGES.control },
        { path: 'requester.name', message: TEXT_MESSAGES.surrogate },
        { path: 'skills.1', message: TEXT_MESSAGES.control },
      ],
    });
  });

  test('when a key holds a control character, then the fault names the key without it', () => {
    expect(checkDeep({ 'bu\u0000ilding': 'x' })).toEqual({
      ok: false,
      faults: [{ path: 'building', message: `name ${TEXT_MESSAGES.control}` }],
    });
  });

  test('when the value is a bare refused string, then the fault has an empty path', () => {
    expect(checkDeep('\u0000')).toEqual({
      ok: false,
      faults: [{ path: '', message: TEXT_MESSAGES.control }],
    });
  });
});
