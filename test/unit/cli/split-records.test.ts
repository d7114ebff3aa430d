import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NotCloudTrailError, RecordSplitter } from '../../../cli/inputs/split-records.ts';

/** Feeds `text` in chunks cut at `cuts` and returns every item, as the reader would see them. */
function split(text: string, cuts: number[] = []): unknown[] {
  const bytes = Buffer.from(text);
  const splitter = new RecordSplitter('f.json');
  const items: unknown[] = [];
  let from = 0;
  for (const cut of [...new Set(cuts)].filter((c) => c > 0 && c < bytes.length).sort((a, b) => a - b)) {
    items.push(...splitter.push(bytes.subarray(from, cut)));
    from = cut;
  }
  items.push(...splitter.push(bytes.subarray(from)));
  items.push(...splitter.end());
  return items;
}

const record = (n: number) => ({ eventVersion: '1.08', eventID: `id-${n}`, eventName: 'X', note: `a "quoted" \\ } ] , value ${n}` });

describe('RecordSplitter', () => {
  it('cuts a log file into its records, each with its index', () => {
    const items = split(JSON.stringify({ Records: [record(1), record(2)] }));
    expect(items).toEqual([
      { kind: 'record', record: record(1), origin: 'f.json#Records[0]' },
      { kind: 'record', record: record(2), origin: 'f.json#Records[1]' },
    ]);
  });

  it('reads JSON Lines, a top-level array, a pretty-printed document and EventBridge envelopes', () => {
    const lines = split(`${JSON.stringify(record(1))}\n${JSON.stringify(record(2))}\n`);
    expect(lines.map((item) => (item as { origin: string }).origin)).toEqual(['f.json:1', 'f.json:2']);
    expect(split(JSON.stringify([record(1), record(2)]))).toHaveLength(2);
    expect(split(JSON.stringify({ Records: [record(1)] }, null, 2))).toEqual([
      { kind: 'record', record: record(1), origin: 'f.json#Records[0]' },
    ]);
    const envelope = { source: 'aws.iam', 'detail-type': 'AWS API Call via CloudTrail', account: '111122223333', detail: record(3) };
    expect(split(JSON.stringify(envelope))).toEqual([
      { kind: 'record', record: record(3), envelope: { account: '111122223333', source: 'aws.iam', detailType: 'AWS API Call via CloudTrail' }, origin: 'f.json:1' },
    ]);
  });

  it('rejects a bad JSON Lines line and reads on', () => {
    const items = split(`${JSON.stringify(record(1))}\nnot json at all\n${JSON.stringify(record(2))}\n`);
    expect(items).toEqual([
      { kind: 'record', record: record(1), origin: 'f.json:1' },
      { kind: 'rejected', reason: 'line 2 is not JSON', origin: 'f.json:2' },
      { kind: 'record', record: record(2), origin: 'f.json:3' },
    ]);
  });

  it('JSON Lines: a line cut short (inside a string or between fields, mid-file or last) is one rejected item; the rest read on', () => {
    const lines = [1, 2, 3, 4].map((n) => JSON.stringify(record(n)));
    const cutInString = lines[1]!.slice(0, lines[1]!.indexOf('quoted'));
    const cutBetweenFields = lines[2]!.slice(0, lines[2]!.indexOf(',"eventName"'));
    const text = `${lines[0]}
${cutInString}
${cutBetweenFields}
${lines[3]}
${lines[3]!.slice(0, 40)}`;
    const expected = [
      { kind: 'record', origin: 'f.json:1' },
      { kind: 'rejected', reason: 'line 2 is not JSON (cut short)', origin: 'f.json:2' },
      { kind: 'rejected', reason: 'line 3 is not JSON (cut short)', origin: 'f.json:3' },
      { kind: 'record', origin: 'f.json:4' },
      { kind: 'rejected', reason: 'line 5 is not JSON (cut short)', origin: 'f.json:5' },
    ];
    const whole = split(text) as Record<string, unknown>[];
    expect(whole.map((item) => ({ kind: item.kind, origin: item.origin, ...(item.reason ? { reason: item.reason } : {}) }))).toEqual(expected);
    expect((whole[3] as { record: unknown }).record).toEqual(record(4));
    // However the bytes arrive.
    for (const cuts of [[1], [5, 90], [lines[0]!.length + 3, lines[0]!.length + 20, text.length - 10]]) expect(split(text, cuts)).toEqual(whole);
    // A pretty-printed document cut short is still the whole file's problem: it was never JSON Lines.
    expect(() => split(JSON.stringify(record(1), null, 2).slice(0, 40))).toThrow(/truncated/);
  });

  it('names a file that is not CloudTrail once: text, truncated, digest, other JSON, empty', () => {
    expect(() => split('hello world\nsecond line')).toThrow(new NotCloudTrailError('not JSON: it starts with "h"'));
    expect(() => split(JSON.stringify({ Records: [record(1), record(2)] }).slice(0, 150))).toThrow(/truncated/);
    const digest = { awsAccountId: '111122223333', digestStartTime: '2015-08-17T14:01:31Z', logFiles: [] };
    expect(() => split(JSON.stringify(digest))).toThrow(/digest file/);
    expect(() => split('{"name":"package","version":"1.0.0"}')).toThrow(/not CloudTrail/);
    expect(() => split('  \n')).toThrow(/holds no JSON value/);
  });

  it('gives the same records as JSON.parse however the bytes are cut into chunks', () => {
    const text = JSON.stringify({ Records: [record(1), { nested: { Records: [1, 2] }, s: 'Records' }, record(3), 'scalar', 7] });
    const whole = split(text);
    expect(whole.map((item) => (item as { record: unknown }).record)).toEqual(JSON.parse(text).Records);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: Buffer.byteLength(text) - 1 }), { maxLength: 30 }), (cuts) => {
        expect(split(text, cuts)).toEqual(whole);
      }),
    );
  });

  it('splits arbitrary JSON values as JSON.parse reads them, in any chunking', () => {
    fc.assert(
      fc.property(fc.array(fc.dictionary(fc.string(), fc.jsonValue()), { minLength: 1, maxLength: 5 }), fc.array(fc.nat(), { maxLength: 10 }), (records, cuts) => {
        const withEvent = records.map((r, n) => ({ ...r, eventID: `e${n}` }));
        const text = JSON.stringify({ Records: withEvent });
        const items = split(text, cuts.map((c) => c % Buffer.byteLength(text)));
        expect(items.map((item) => (item as { record: unknown }).record)).toEqual(JSON.parse(text).Records);
      }),
    );
  });
});
