import {
  formatDuration,
  isDuration,
  MS_PER_DAY,
  MS_PER_HOUR,
  MS_PER_MINUTE,
  parseDuration,
} from './duration';

describe('parseDuration', () => {
  it.each([
    ['45s', 45_000],
    ['10m', 10 * MS_PER_MINUTE],
    ['4h', 4 * MS_PER_HOUR],
    ['2d', 2 * MS_PER_DAY],
    ['0s', 0],
    ['90m', 90 * MS_PER_MINUTE],
  ])('when given %j, then it returns %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '10', 'm', '1.5h', '-1h', '1 h', ' 1h', '1h ', '1H', '1w', '10ms', '1h30m', 'PT1H', '１h'])(
    'when given %j, then it throws an error naming the text and the accepted forms',
    (text) => {
      expect(() => parseDuration(text)).toThrow(
        `${JSON.stringify(text)} is not a duration like "45s", "10m", "4h" or "2d"`,
      );
    },
  );

  it('when the amount is too large to count exactly, then it throws', () => {
    expect(() => parseDuration('999999999999d')).toThrow('"999999999999d" is too long a duration');
  });

  it('when a day length is given, then only days use it', () => {
    const dayMs = 10 * MS_PER_HOUR;
    expect(parseDuration('3d', { dayMs })).toBe(30 * MS_PER_HOUR);
    expect(parseDuration('4h', { dayMs })).toBe(4 * MS_PER_HOUR);
  });
});

describe('isDuration', () => {
  it('when given a well-formed duration, then it is true', () => {
    expect(['0s', '45s', '10m', '4h', '2d'].every(isDuration)).toBe(true);
  });

  it('when given anything else, then it is false', () => {
    expect([' 4h', '4', '4x', '', 4, null, undefined, {}].some(isDuration)).toBe(false);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [45_000, '45s'],
    [MS_PER_HOUR, '1h'],
    [MS_PER_DAY + 2 * MS_PER_HOUR + 5 * MS_PER_MINUTE, '1d 2h 5m'],
    [MS_PER_DAY + MS_PER_HOUR + MS_PER_MINUTE + 1_000 + 1, '1d 1h 1m 1s 1ms'],
    [30 * MS_PER_HOUR, '1d 6h'],
    [-5 * MS_PER_MINUTE, '-5m'],
  ])('when given %d ms, then it reads %j', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('when given a single-unit duration, then it formats back to the same text', () => {
    for (const text of ['45s', '10m', '4h', '2d']) {
      expect(formatDuration(parseDuration(text))).toBe(text);
    }
  });

  it('when given a non-finite number, then it throws', () => {
    expect(() => formatDuration(Number.NaN)).toThrow(RangeError);
    expect(() => formatDuration(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});
