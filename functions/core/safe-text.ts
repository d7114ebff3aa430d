// Control characters, and the bidirectional overrides and isolates that can make a log line or a terminal
// show something other than what it holds (CVE-2021-42574 "Trojan Source").
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/g;
const MAX_TEXT = 2048;

/**
 * Text from a record made safe to show: unsafe characters as \uXXXX, long text cut.
 * @example safeText('evil\u202ename') // 'evil\\u202ename'
 */
export function safeText(text: string): string {
  const cut = text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…(${text.length} chars)` : text;
  return cut.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** safeText applied to every string of a log payload (depth-limited). */
export function safeForLog<T extends Record<string, unknown>>(payload: T): Record<string, unknown> {
  return safeValue(payload, 0) as Record<string, unknown>;
}

function safeValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return safeText(value);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.slice(0, 100).map((v) => safeValue(v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [safeText(k), safeValue(v, depth + 1)]));
}
