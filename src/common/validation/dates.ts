// Business dates (`…On`): YYYY-MM-DD, a real calendar day, never after today in Europe/Paris.
import { registerDecorator, type ValidationOptions } from 'class-validator';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Today's date in Europe/Paris, as YYYY-MM-DD. */
// Made once: building an Intl.DateTimeFormat costs far more than formatting with one.
const PARIS_DATE = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' });

// Paris changes day on a minute boundary (its offsets are whole hours): the day of a minute is
// the day of all its instants, so it is formatted (Intl, slow) once a minute, not once a row.
let lastMinute = NaN;
let lastDay = '';

export function parisToday(now: Date = new Date()): string {
  const minute = Math.floor(now.getTime() / 60_000);
  if (minute !== lastMinute) {
    lastDay = PARIS_DATE.format(now);
    lastMinute = minute;
  }
  return lastDay;
}

export function isCalendarDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]) && Number(m[1]) >= 1900;
}

/** A date column (UTC midnight) from YYYY-MM-DD, and back. */
export const toDbDate = (value: string) => new Date(`${value}T00:00:00.000Z`);
export const fromDbDate = (value: Date) => value.toISOString().slice(0, 10);

/** Calendar months later, clamped to the month's last day (31 Dec + 2 months = 28/29 Feb). */
export function addMonths(value: string, months: number): string {
  const [y, m, d] = value.split('-').map(Number);
  const target = new Date(Date.UTC(y, m - 1 + months, 1));
  const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d, last));
  return fromDbDate(target);
}

export const daysBetween = (from: string, to: string) => Math.round((toDbDate(to).getTime() - toDbDate(from).getTime()) / 86_400_000);

export function IsBusinessDate(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isBusinessDate',
      target: target.constructor,
      propertyName,
      options,
      validator: {
        validate: (value: unknown) => typeof value === 'string' && isCalendarDate(value) && value <= parisToday(),
        defaultMessage: () => 'must be a date YYYY-MM-DD that exists and is not in the future',
      },
    });
}

/** A calendar date YYYY-MM-DD that exists, past or future (a call's closing date). */
export function IsCalendarDate(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isCalendarDate',
      target: target.constructor,
      propertyName,
      options,
      validator: {
        validate: (value: unknown) => typeof value === 'string' && isCalendarDate(value),
        defaultMessage: () => 'must be a date YYYY-MM-DD that exists',
      },
    });
}
