/**
 * Strict calendar timestamps: `YYYY-MM-DD` or `YYYY/MM/DD`, optionally
 * followed by ` ` or `T` and `HH:MM[:SS[.fff]]`, and a zone (`Z`, `+HH:MM`,
 * `+HHMM`). Without a zone the time is UTC (docs/formats.md), whatever the
 * machine's time zone. Every field is checked against the calendar:
 * 2014-02-30, month 13 and hour 25 are refused instead of rolled over, as
 * Date.parse and Date.UTC would.
 */
const STAMP = /^(\d{4})([-/])(\d{2})\2(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Epoch ms, or a reason the text is not a calendar timestamp (null when it does not even look like one). */
export function parseCalendarTime(text: string): { ms: number } | { invalid: string } | null {
  const m = STAMP.exec(text.trim());
  if (!m) return null;
  const [year, month, day] = [+m[1]!, +m[3]!, +m[4]!];
  const [hour, minute, second] = [m[5] ? +m[5] : 0, m[6] ? +m[6] : 0, m[7] ? +m[7] : 0];
  if (month < 1 || month > 12) return { invalid: `month ${m[3]} is not 01..12` };
  if (day < 1 || day > daysIn(year, month)) return { invalid: `day ${m[4]} is not in ${m[1]}-${m[3]} (1..${daysIn(year, month)})` };
  if (hour > 23) return { invalid: `hour ${m[5]} is not 00..23` };
  if (minute > 59) return { invalid: `minute ${m[6]} is not 00..59` };
  if (second > 59) return { invalid: `second ${m[7]} is not 00..59` };
  let offsetMin = 0;
  const zone = m[9];
  if (zone && zone.toUpperCase() !== 'Z') {
    const z = /^([+-])(\d{2}):?(\d{2})$/.exec(zone)!;
    const [zh, zm] = [+z[2]!, +z[3]!];
    if (zh > 23 || zm > 59) return { invalid: `zone ${zone} is not a valid offset` };
    offsetMin = (z[1] === '-' ? -1 : 1) * (zh * 60 + zm);
  }
  const frac = m[8] ? Math.round(Number(m[8]) * 1000) : 0;
  return { ms: Date.UTC(year, month - 1, day, hour, minute, second, frac) - offsetMin * 60_000 };
}
