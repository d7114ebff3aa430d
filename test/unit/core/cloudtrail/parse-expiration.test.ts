import { describe, expect, it } from 'vitest';
import { parseExpiration } from '../../../../functions/core/cloudtrail/parse-expiration.ts';

describe('parseExpiration reads every form found in real AssumeRole records', () => {
  it.each([
    ['Oct 2, 2019, 11:12:29 PM', Date.UTC(2019, 9, 2, 23, 12, 29)],
    ['Mar 23, 2016, 2:39:57 AM', Date.UTC(2016, 2, 23, 2, 39, 57)],
    ['Jun 2, 2024, 12:05:00 AM', Date.UTC(2024, 5, 2, 0, 5, 0)],
    ['Jun 2, 2024, 12:05:00 PM', Date.UTC(2024, 5, 2, 12, 5, 0)],
    ['Jan 01, 2019 0:00:00 PM', Date.UTC(2019, 0, 1, 12, 0, 0)],
    ['2019-10-02T23:12:29Z', Date.UTC(2019, 9, 2, 23, 12, 29)],
    ['2019-10-02T23:12:29.000Z', Date.UTC(2019, 9, 2, 23, 12, 29)],
    ['2019-10-02 23:12:29', Date.UTC(2019, 9, 2, 23, 12, 29)],
    ['2019-10-02T23:12:29+01:00', Date.UTC(2019, 9, 2, 22, 12, 29)],
    [1570057949000, 1570057949000],
    [1570057949, 1570057949000],
    ['1570057949000', 1570057949000],
  ])('%s', (value, expected) => {
    expect(parseExpiration(value)).toBe(expected);
  });

  it.each([['Feb 30, 2024, 1:00:00 AM'], ['Foo 1, 2024, 1:00:00 AM'], ['13:00'], [''], [null], [{}], [-5], ['Oct 2, 2019, 13:12:29 PM']])(
    'rejects %s',
    (value) => {
      expect(parseExpiration(value)).toBeNull();
    },
  );
});
