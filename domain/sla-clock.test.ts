import { MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE } from './duration';
import {
  addClockTime,
  clockTimeBetween,
  isCalendarDate,
  isTimeZone,
  isWorkingTime,
  localDate,
  localWeekday,
  minutesOfDay,
  workingDayMs,
  zonedTime,
} from './sla-clock';
import type { Calendar } from './sla-types';

const HOUR = MS_PER_HOUR;
const MINUTE = MS_PER_MINUTE;

/** The default desk calendar: Shanghai, Monday to Friday 08:00-18:00, National Day week off. */
const SHANGHAI: Calendar = {
  timezone: 'Asia/Shanghai',
  workdays: [1, 2, 3, 4, 5],
  hours: ['08:00', '18:00'],
  holidays: ['2026-01-01', '2026-10-01', '2026-10-02', '2026-10-05', '2026-10-06', '2026-10-07'],
};

const BERLIN_EVERY_DAY: Calendar = {
  timezone: 'Europe/Berlin',
  workdays: [1, 2, 3, 4, 5, 6, 7],
  hours: ['08:00', '18:00'],
  holidays: [],
};

const NEW_YORK: Calendar = {
  timezone: 'America/New_York',
  workdays: [1, 2, 3, 4, 5],
  hours: ['08:00', '18:00'],
  holidays: ['2026-07-03', '2026-11-26'],
};

/** Instant of local wall-clock `time` on `date` in Shanghai. */
function sh(date: string, time: string): number {
  return zonedTime(date, time, 'Asia/Shanghai');
}

function utc(iso: string): number {
  return Date.parse(iso);
}

function addBusiness(start: number, durationMs: number, calendar: Calendar = SHANGHAI): number {
  return addClockTime(start, durationMs, 'business', calendar);
}

function businessBetween(from: number, to: number, calendar: Calendar = SHANGHAI): number {
  return clockTimeBetween(from, to, 'business', calendar);
}

describe('addClockTime on a 24x7 clock', () => {
  it('when adding time, then it is plain addition through nights, weekends and holidays', () => {
    const start = sh('2026-09-30', '17:00');

    expect(addClockTime(start, 3 * MS_PER_DAY, '24x7', SHANGHAI)).toBe(start + 3 * MS_PER_DAY);
  });
});

describe('addClockTime on a business clock', () => {
  it('when the limit fits in the working day, then it falls due the same day', () => {
    expect(addBusiness(sh('2026-11-24', '09:00'), 30 * MINUTE)).toBe(sh('2026-11-24', '09:30'));
  });

  it('when the limit uses up the working day exactly, then it falls due at closing time, not next morning', () => {
    expect(addBusiness(sh('2026-11-24', '16:00'), 2 * HOUR)).toBe(sh('2026-11-24', '18:00'));
  });

  it('when the limit runs past closing time, then the rest counts from the next opening', () => {
    expect(addBusiness(sh('2026-11-24', '17:00'), 2 * HOUR)).toBe(sh('2026-11-25', '09:00'));
  });

  it('when the limit runs past Friday closing, then the rest counts from Monday (Fri 17:00 + 2h = Mon 09:00)', () => {
    expect(addBusiness(sh('2026-11-27', '17:00'), 2 * HOUR)).toBe(sh('2026-11-30', '09:00'));
  });

  it('when the limit runs into National Day week, then the holidays and the weekend in it are skipped', () => {
    // 10-01/02 (Thu, Fri) and 10-05..07 (Mon-Wed) are holidays, 10-03/04 a weekend.
    expect(addBusiness(sh('2026-09-30', '17:00'), 2 * HOUR)).toBe(sh('2026-10-08', '09:00'));
  });

  it('when the start is on a weekend, then counting begins at Monday opening', () => {
    expect(addBusiness(sh('2026-11-28', '10:00'), HOUR)).toBe(sh('2026-11-30', '09:00'));
  });

  it('when the start is on a holiday, then counting begins at the next working opening', () => {
    expect(addBusiness(sh('2026-10-01', '09:00'), 30 * MINUTE)).toBe(sh('2026-10-08', '08:30'));
  });

  it('when the start is before opening, then counting begins at opening', () => {
    expect(addBusiness(sh('2026-11-24', '06:00'), 30 * MINUTE)).toBe(sh('2026-11-24', '08:30'));
  });

  it('when the start is after closing, then counting begins at the next opening', () => {
    expect(addBusiness(sh('2026-11-24', '20:00'), 30 * MINUTE)).toBe(sh('2026-11-25', '08:30'));
  });

  it('when the start is exactly at closing time, then counting begins at the next opening', () => {
    expect(addBusiness(sh('2026-11-24', '18:00'), MINUTE)).toBe(sh('2026-11-25', '08:01'));
  });

  it('when a "3d" business limit starts Monday 10:00, then it falls due Thursday 10:00 (three 10-hour working days)', () => {
    expect(addBusiness(sh('2026-11-23', '10:00'), 3 * workingDayMs(SHANGHAI))).toBe(
      sh('2026-11-26', '10:00'),
    );
  });

  it('when a "3d" business limit meets National Day week, then it falls due after the holidays', () => {
    // 9 h on 09-30, 10 h on 10-08, 10 h on 10-09, then 1 h on Monday 10-12.
    expect(addBusiness(sh('2026-09-30', '09:00'), 3 * workingDayMs(SHANGHAI))).toBe(
      sh('2026-10-12', '09:00'),
    );
  });

  it('when a limit of several weeks is added, then weekends are skipped every week', () => {
    // 20 working days from Monday 08:00 end on the fourth Friday at 18:00.
    expect(addBusiness(sh('2026-11-02', '08:00'), 20 * workingDayMs(SHANGHAI))).toBe(
      sh('2026-11-27', '18:00'),
    );
  });

  it('when a whole year is holidays, then a 3-day limit still jumps it day by day and lands in the next year', () => {
    const holidays = everyDateOf(2027);
    const calendar: Calendar = { ...SHANGHAI, holidays };

    expect(addBusiness(sh('2026-12-31', '17:00'), 3 * workingDayMs(calendar), calendar)).toBe(
      sh('2028-01-05', '17:00'),
    );
  });

  it('when the duration is zero, then the start is returned even outside working hours', () => {
    const saturdayNight = sh('2026-11-28', '23:00');
    const closing = sh('2026-11-27', '18:00');

    expect(addBusiness(saturdayNight, 0)).toBe(saturdayNight);
    expect(addBusiness(closing, 0)).toBe(closing);
  });

  it('when the calendar has no working days, then it throws instead of looping forever', () => {
    const calendar: Calendar = { ...SHANGHAI, workdays: [] };

    expect(() => addBusiness(sh('2026-11-24', '09:00'), HOUR, calendar)).toThrow(
      /calendar Asia\/Shanghai has no working hours in \d+ days after/,
    );
  });

  it('when the duration is negative or the start is not a number, then it throws', () => {
    expect(() => addBusiness(sh('2026-11-24', '09:00'), -1)).toThrow(RangeError);
    expect(() => addBusiness(Number.NaN, HOUR)).toThrow(RangeError);
  });

  it('when working hours are bad, then it throws rather than guessing', () => {
    expect(() => addBusiness(0, HOUR, { ...SHANGHAI, hours: ['18:00', '08:00'] })).toThrow(
      'working hours 18:00-08:00 must start before they end',
    );
    expect(() => addBusiness(0, HOUR, { ...SHANGHAI, timezone: 'Nowhere/City' })).toThrow(RangeError);
  });
});

describe('clockTimeBetween', () => {
  it('when the end is not after the start, then no time has elapsed', () => {
    const t = sh('2026-11-24', '10:00');

    expect(businessBetween(t, t)).toBe(0);
    expect(businessBetween(t, t - HOUR)).toBe(0);
    expect(clockTimeBetween(t, t - HOUR, '24x7', SHANGHAI)).toBe(0);
  });

  it('when on a 24x7 clock, then it is the plain difference', () => {
    const from = sh('2026-11-27', '17:00');

    expect(clockTimeBetween(from, from + 62 * HOUR, '24x7', SHANGHAI)).toBe(62 * HOUR);
  });

  it('when the span crosses a weekend, then only working hours count (Fri 17:00 to Mon 09:00 is 2h)', () => {
    expect(businessBetween(sh('2026-11-27', '17:00'), sh('2026-11-30', '09:00'))).toBe(2 * HOUR);
  });

  it('when the span is a whole week, then it counts five working days', () => {
    expect(businessBetween(sh('2026-11-23', '00:00'), sh('2026-11-30', '00:00'))).toBe(50 * HOUR);
  });

  it('when the span covers National Day week, then the holidays count nothing', () => {
    expect(businessBetween(sh('2026-09-30', '00:00'), sh('2026-10-09', '00:00'))).toBe(20 * HOUR);
  });

  it('when the span lies wholly outside working hours, then nothing has elapsed', () => {
    expect(businessBetween(sh('2026-11-24', '18:00'), sh('2026-11-25', '08:00'))).toBe(0);
    expect(businessBetween(sh('2026-11-28', '09:00'), sh('2026-11-28', '17:00'))).toBe(0);
  });

  it('when the span is in the middle of a working day, then all of it counts', () => {
    expect(businessBetween(sh('2026-11-24', '10:15'), sh('2026-11-24', '11:45'))).toBe(90 * MINUTE);
  });

  it('when the calendar has no working days, then nothing elapses and nothing loops', () => {
    const calendar: Calendar = { ...SHANGHAI, workdays: [] };

    expect(businessBetween(sh('2026-01-01', '00:00'), sh('2027-01-01', '00:00'), calendar)).toBe(0);
  });
});

describe('daylight saving time', () => {
  const berlinWeekdays: Calendar = { ...BERLIN_EVERY_DAY, workdays: [1, 2, 3, 4, 5] };
  const berlinAllDay: Calendar = { ...BERLIN_EVERY_DAY, hours: ['00:00', '24:00'] };

  it('when Berlin springs forward (2026-03-29), then that working day still opens at 08:00 local, which is 06:00 UTC', () => {
    // Saturday 17:00 CET is 16:00Z; one hour that evening, one on Sunday from 08:00 CEST.
    expect(addBusiness(utc('2026-03-28T16:00:00Z'), 2 * HOUR, BERLIN_EVERY_DAY)).toBe(
      utc('2026-03-29T07:00:00Z'),
    );
    expect(businessBetween(utc('2026-03-29T06:00:00Z'), utc('2026-03-29T16:00:00Z'), BERLIN_EVERY_DAY)).toBe(
      10 * HOUR,
    );
  });

  it('when Berlin falls back (2026-10-25), then that working day still opens at 08:00 local, which is 07:00 UTC', () => {
    // Saturday 17:00 CEST is 15:00Z; Sunday 08:00 CET is 07:00Z.
    expect(addBusiness(utc('2026-10-24T15:00:00Z'), 2 * HOUR, BERLIN_EVERY_DAY)).toBe(
      utc('2026-10-25T08:00:00Z'),
    );
    expect(businessBetween(utc('2026-10-25T07:00:00Z'), utc('2026-10-25T17:00:00Z'), BERLIN_EVERY_DAY)).toBe(
      10 * HOUR,
    );
  });

  it('when a Berlin weekend contains a change, then Monday opens at 08:00 in the new offset', () => {
    expect(addBusiness(utc('2026-03-27T16:00:00Z'), 2 * HOUR, berlinWeekdays)).toBe(
      utc('2026-03-30T07:00:00Z'),
    );
    expect(addBusiness(utc('2026-10-23T15:00:00Z'), 2 * HOUR, berlinWeekdays)).toBe(
      utc('2026-10-26T08:00:00Z'),
    );
  });

  it('when working hours are round the clock, then the change days have 23 and 25 working hours', () => {
    const marchDay = businessBetween(
      zonedTime('2026-03-29', '00:00', 'Europe/Berlin'),
      zonedTime('2026-03-30', '00:00', 'Europe/Berlin'),
      berlinAllDay,
    );
    const octoberDay = businessBetween(
      zonedTime('2026-10-25', '00:00', 'Europe/Berlin'),
      zonedTime('2026-10-26', '00:00', 'Europe/Berlin'),
      berlinAllDay,
    );

    expect([marchDay, octoberDay]).toEqual([23 * HOUR, 25 * HOUR]);
  });

  it('when working hours contain the skipped hour, then the skipped hour is not working time', () => {
    const nightShift: Calendar = { ...BERLIN_EVERY_DAY, hours: ['01:00', '04:00'] };
    const opening = zonedTime('2026-03-29', '01:00', 'Europe/Berlin');

    expect(opening).toBe(utc('2026-03-29T00:00:00Z'));
    // 01:00-02:00 CET, then clocks jump to 03:00 CEST: 2 h of work ends at 04:00 CEST = 02:00Z.
    expect(addBusiness(opening, 2 * HOUR, nightShift)).toBe(utc('2026-03-29T02:00:00Z'));
    expect(businessBetween(opening, zonedTime('2026-03-30', '00:00', 'Europe/Berlin'), nightShift)).toBe(
      2 * HOUR,
    );
  });

  it('when New York springs forward (2026-03-08), then Monday opens at 08:00 EDT', () => {
    // Friday 17:00 EST is 22:00Z; Monday 09:00 EDT is 13:00Z.
    expect(addBusiness(utc('2026-03-06T22:00:00Z'), 2 * HOUR, NEW_YORK)).toBe(utc('2026-03-09T13:00:00Z'));
    expect(businessBetween(utc('2026-03-06T22:00:00Z'), utc('2026-03-09T13:00:00Z'), NEW_YORK)).toBe(
      2 * HOUR,
    );
  });

  it('when New York falls back (2026-11-01), then Monday opens at 08:00 EST', () => {
    // Friday 17:00 EDT is 21:00Z; Monday 09:00 EST is 14:00Z.
    expect(addBusiness(utc('2026-10-30T21:00:00Z'), 2 * HOUR, NEW_YORK)).toBe(utc('2026-11-02T14:00:00Z'));
  });

  it('when a New York holiday is listed, then it is read as a local date', () => {
    // Wednesday 2026-11-25 17:00 EST + 2h skips Thanksgiving (Thu) and resumes on Friday.
    expect(addBusiness(utc('2026-11-25T22:00:00Z'), 2 * HOUR, NEW_YORK)).toBe(utc('2026-11-27T14:00:00Z'));
  });
});

describe('round trip', () => {
  const calendars: Calendar[] = [
    SHANGHAI,
    BERLIN_EVERY_DAY,
    NEW_YORK,
    { ...NEW_YORK, hours: ['09:30', '17:15'], workdays: [2, 4, 6] },
    { ...BERLIN_EVERY_DAY, hours: ['00:30', '03:30'], workdays: [5, 6, 7] },
  ];

  it('when a business duration is added and the time between measured, then the duration comes back for hundreds of seeded cases', () => {
    const random = mulberry32(20261001);
    const yearStart = utc('2026-01-01T00:00:00Z');
    let checked = 0;
    for (let i = 0; i < 400; i += 1) {
      const calendar = calendars[i % calendars.length];
      // Second-aligned starts over the year, millisecond durations up to ten working days.
      const start = yearStart + Math.floor(random() * 365 * 24 * 3600) * 1000;
      const duration = 1 + Math.floor(random() * 10 * workingDayMs(calendar));
      const end = addBusiness(start, duration, calendar);

      expect({ i, elapsed: businessBetween(start, end, calendar) }).toEqual({ i, elapsed: duration });
      // A deadline is never earlier than the start, and the moment before it is working time.
      expect(end).toBeGreaterThan(start);
      expect(isWorkingTime(end - 1, calendar)).toBe(true);
      checked += 1;
    }
    expect(checked).toBe(400);
  });

  it('when a 24x7 duration is added, then the time between gives it back', () => {
    const random = mulberry32(7);
    for (let i = 0; i < 100; i += 1) {
      const start = Math.floor(random() * 2e12);
      const duration = 1 + Math.floor(random() * 30 * MS_PER_DAY);

      expect(clockTimeBetween(start, addClockTime(start, duration, '24x7', SHANGHAI), '24x7', SHANGHAI)).toBe(
        duration,
      );
    }
  });
});

describe('calendar helpers', () => {
  it('when an instant is still the previous day in UTC, then its local date is the Shanghai date', () => {
    const instant = utc('2026-09-30T16:30:00Z');

    expect(localDate(instant, 'Asia/Shanghai')).toBe('2026-10-01');
    expect(localWeekday(instant, 'Asia/Shanghai')).toBe(4);
  });

  it('when a Shanghai morning falls on a holiday that is not yet a holiday in UTC, then it is not working time', () => {
    expect(isWorkingTime(sh('2026-10-01', '09:00'), SHANGHAI)).toBe(false);
    expect(isWorkingTime(sh('2026-09-30', '09:00'), SHANGHAI)).toBe(true);
  });

  it('when checking the edges of the working day, then opening counts and closing does not', () => {
    expect(isWorkingTime(sh('2026-11-24', '08:00'), SHANGHAI)).toBe(true);
    expect(isWorkingTime(sh('2026-11-24', '18:00'), SHANGHAI)).toBe(false);
    expect(isWorkingTime(sh('2026-11-24', '18:00') - 1, SHANGHAI)).toBe(true);
  });

  it('when reading working hours, then a working day is their length and "24:00" ends the day', () => {
    expect(workingDayMs(SHANGHAI)).toBe(10 * HOUR);
    expect(minutesOfDay('24:00')).toBe(24 * 60);
    expect(minutesOfDay('08:30')).toBe(8 * 60 + 30);
    expect(() => minutesOfDay('24:30')).toThrow('"24:30" is not a time of day like "08:00"');
    expect(() => minutesOfDay('8:00')).toThrow(RangeError);
  });

  it('when validating names and dates, then only real zones and real dates pass', () => {
    expect(isTimeZone('America/New_York')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    expect(isCalendarDate('2028-02-29')).toBe(true);
    expect(isCalendarDate('2026-02-29')).toBe(false);
    expect(isCalendarDate('2026-1-01')).toBe(false);
    expect(() => zonedTime('2026-02-30', '08:00', 'Asia/Shanghai')).toThrow(RangeError);
  });

  it('when a wall-clock time is repeated as clocks go back, then it means the first occurrence', () => {
    expect(zonedTime('2026-10-25', '02:30', 'Europe/Berlin')).toBe(utc('2026-10-25T00:30:00Z'));
  });

  it('when a wall-clock time is skipped as clocks go forward, then it moves forward by the gap', () => {
    expect(zonedTime('2026-03-29', '02:30', 'Europe/Berlin')).toBe(utc('2026-03-29T01:30:00Z'));
  });
});

/** Every date of `year` as `"YYYY-MM-DD"`. */
function everyDateOf(year: number): string[] {
  const dates: string[] = [];
  for (let day = Date.UTC(year, 0, 1); day < Date.UTC(year + 1, 0, 1); day += MS_PER_DAY) {
    dates.push(new Date(day).toISOString().slice(0, 10));
  }
  return dates;
}

/** A small seeded PRNG, so the pseudo-random cases are the same on every run. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
