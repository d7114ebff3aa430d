const MONTHS: Record<string, number> = {
  jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11,
};
// CloudTrail writes STS credential expiry in the console's display form ("Oct 2, 2019, 11:12:29 PM",
// always UTC), in ISO 8601, and (in some exports) as "YYYY-MM-DD HH:MM:SS" or epoch milliseconds.
const DISPLAY = /^([A-Za-z]{3}) (\d{1,2}), (\d{4}),? (\d{1,2}):(\d{2}):(\d{2}) ?([AP]M)$/;
const ISO = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Parses an STS credential expiration in any of the forms found in real records; null if unreadable.
 * @example parseExpiration('Oct 2, 2019, 11:12:29 PM') // Date.UTC(2019, 9, 2, 23, 12, 29)
 */
export function parseExpiration(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value > 0 ? (value < 1e11 ? value * 1000 : value) : null;
  if (typeof value !== 'string') return null;
  const text = value.trim();
  const display = DISPLAY.exec(text);
  if (display) {
    const month = MONTHS[display[1]!.toLowerCase()];
    if (month === undefined) return null;
    let hour = Number(display[4]);
    // Some exports write the hour 0 in 12-hour form ("Jan 01, 2019 0:00:00 PM"); read it as 12.
    if (hour > 12) return null;
    if (hour === 0) hour = 12;
    if (display[7] === 'PM' && hour !== 12) hour += 12;
    if (display[7] === 'AM' && hour === 12) hour = 0;
    const ms = Date.UTC(Number(display[3]), month, Number(display[2]), hour, Number(display[5]), Number(display[6]));
    return new Date(ms).getUTCDate() === Number(display[2]) ? ms : null;
  }
  if (/^\d{10,13}$/.test(text)) return parseExpiration(Number(text));
  if (ISO.test(text)) {
    const normalised = text.replace(' ', 'T');
    const ms = Date.parse(/Z|[+-]\d{2}:?\d{2}$/.test(normalised) ? normalised : `${normalised}Z`);
    return Number.isNaN(ms) ? null : ms;
  }
  return null;
}
