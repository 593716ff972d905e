// Five-field cron expressions (minute hour day-of-month month day-of-week), as Cloudflare Cron Triggers use.
// https://developers.cloudflare.com/workers/configuration/cron-triggers/

interface Field {
  name: string;
  min: number;
  max: number;
  names?: string[];
}

const FIELDS: Field[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
  { name: 'day of week', min: 0, max: 7, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
];

export interface CronExpression {
  /** The expression with single spaces, as compared against the trigger that fired. */
  readonly normalized: string;
  matches(date: Date): boolean;
}

function parseValue(text: string, field: Field): number {
  const named = field.names?.indexOf(text.toUpperCase()) ?? -1;
  const value = named >= 0 ? named + (field.name === 'month' ? 1 : 0) : /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(value >= field.min && value <= field.max)) {
    throw new Error(`cron ${field.name} "${text}" is not within ${field.min}-${field.max}`);
  }
  return value;
}

function parseField(text: string, field: Field): Set<number> {
  const values = new Set<number>();
  for (const item of text.split(',')) {
    const [range = '', stepText] = item.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1)
      throw new Error(`cron ${field.name} step "${stepText}" must be a positive whole number`);
    let [from, to] = [field.min, field.max];
    if (range !== '*') {
      const [a = '', b] = range.split('-');
      from = parseValue(a, field);
      to = b === undefined ? (stepText === undefined ? from : field.max) : parseValue(b, field);
      if (to < from) throw new Error(`cron ${field.name} range "${range}" runs backwards`);
    }
    for (let v = from; v <= to; v += step) values.add(field.name === 'day of week' && v === 7 ? 0 : v);
  }
  return values;
}

export function parseCron(expression: string): CronExpression {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5) throw new Error(`cron "${expression}" must have 5 fields (minute hour day month weekday)`);
  const [minute, hour, dom, month, dow] = parts.map((p, i) => parseField(p, FIELDS[i]!)) as Set<number>[];
  const domAny = parts[2] === '*';
  const dowAny = parts[4] === '*';
  return {
    normalized: parts.join(' '),
    matches(date) {
      const dayOk =
        domAny || dowAny
          ? dom!.has(date.getUTCDate()) && dow!.has(date.getUTCDay())
          : dom!.has(date.getUTCDate()) || dow!.has(date.getUTCDay()); // POSIX: either day field
      return minute!.has(date.getUTCMinutes()) && hour!.has(date.getUTCHours()) && month!.has(date.getUTCMonth() + 1) && dayOk;
    },
  };
}

export const normalizeCron = (expression: string): string => expression.trim().split(/\s+/).join(' ');
