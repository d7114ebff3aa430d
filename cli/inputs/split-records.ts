import { unwrapInput, type InputItem } from '../../functions/core/cloudtrail/unwrap-input.ts';

/**
 * A file that is not CloudTrail as a whole (not JSON, truncated, a digest file): one problem for the file,
 * never a rejected item per line.
 */
export class NotCloudTrailError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'NotCloudTrailError';
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
const NEWLINE = 0x0a;
const RECORDS_KEY = Buffer.from('"Records"');

function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === NEWLINE || byte === 0x0d || byte === 0x09;
}

/** Top-level keys of a CloudTrail digest file (docs: cloudtrail-log-file-validation-digest-file-structure). */
function isDigest(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'digestStartTime' in value && 'logFiles' in value;
}

/** True when a top-level value could hold CloudTrail: a log file, an envelope, a record, or an array of them. */
function looksLikeCloudTrail(value: unknown): boolean {
  if (Array.isArray(value)) return value.length === 0 || looksLikeCloudTrail(value[0]);
  if (typeof value !== 'object' || value === null) return false;
  return 'Records' in value || 'detail-type' in value || 'eventVersion' in value || 'eventName' in value || 'eventID' in value;
}

/**
 * Splits a stream of bytes holding CloudTrail into records as they arrive, without ever holding a parsed
 * file whole: a log file's `{"Records":[...]}` and a top-level array are cut into their elements, JSON Lines
 * and concatenated documents into their values, and each piece is parsed on its own. Only the bytes of the
 * piece being read are kept between chunks, so memory stays bounded by the largest record.
 *
 * The scan jumps over string contents with `indexOf`, so its cost is in structural bytes only.
 */
export class RecordSplitter {
  private window: Buffer = Buffer.alloc(0);
  /** Offset in `window` where the scan resumes. */
  private position = 0;
  /** Offset in `window` where the piece being read starts, or -1 between pieces. */
  private pieceStart = -1;
  private depth = 0;
  private inString = false;
  /** Depth whose elements are the pieces (1: top-level array, 2: a log file's Records), or 0 for whole values. */
  private elementDepth = 0;
  /** Depth-1 key just read was "Records" (waiting for its array). */
  private recordsKeyPending = false;
  private keyStart = -1;
  /** The current top-level object had its Records cut out: its remaining keys are skipped. */
  private insideLogFile = false;
  private topLevelValues = 0;
  private elementIndex = 0;
  private line = 1;
  private pieceLine = 1;
  private items: InputItem[] = [];
  /** Skipping the rest of a JSON Lines line that is not JSON. */
  private skippingLine = false;
  /** The previous chunk ended inside a string on an unpaired backslash. */
  private escapeNext = false;
  /**
   * JSON Lines: the first value began and ended on one line and the next begins on a later one. Then a line is a
   * record, and a line cut short (a truncated write) is one `invalid` item, the lines after it read on.
   */
  private jsonLines: boolean | null = null;
  private firstValueLine = 0;
  /** Offset of the next newline at or after the scan (-1: none in the window); recomputed when passed. */
  private nextNewline = -2;

  constructor(private readonly name: string) {}

  /** Feeds the next chunk; returns the items completed by it. Throws NotCloudTrailError for a bad file. */
  push(chunk: Buffer): InputItem[] {
    const keep = this.pieceStart >= 0 ? this.pieceStart : this.position;
    const carried = this.window.length - keep;
    this.window = carried > 0 ? Buffer.concat([this.window.subarray(keep), chunk]) : chunk;
    this.position -= keep;
    if (this.pieceStart >= 0) this.pieceStart -= keep;
    if (this.keyStart >= 0) this.keyStart -= keep;
    this.nextNewline = -2;
    this.scan();
    const items = this.items;
    this.items = [];
    return items;
  }

  /** Ends the input; throws NotCloudTrailError when it ended inside a value or held nothing. */
  end(): InputItem[] {
    if ((this.depth > 0 || this.inString) && this.jsonLines) return [this.brokenLine()];
    if (this.depth > 0 || this.inString) throw new NotCloudTrailError(`truncated: the file ends inside a JSON value (line ${this.line})`);
    if (this.topLevelValues === 0) throw new NotCloudTrailError('holds no JSON value');
    return [];
  }

  private scan(): void {
    const buf = this.window;
    const length = buf.length;
    let i = this.position;
    while (i < length) {
      if (this.skippingLine) {
        const next = buf.indexOf(NEWLINE, i);
        if (next < 0) {
          i = length;
          break;
        }
        this.skippingLine = false;
        i = next;
        continue;
      }
      if (this.inString) {
        if (this.escapeNext) {
          this.escapeNext = false;
          i++;
          continue;
        }
        const close = buf.indexOf(QUOTE, i);
        if (this.jsonLines) {
          // A JSON string holds no raw newline: one before the closing quote means the line was cut short.
          const newline = this.newlineFrom(buf, i);
          if (newline >= 0 && (close < 0 || newline < close)) {
            this.items.push(this.brokenLine());
            this.line++;
            i = newline + 1;
            continue;
          }
        }
        if (close < 0) {
          // The chunk ends inside the string: an odd run of backslashes at its end escapes the next byte.
          let trailing = 0;
          for (let j = length - 1; j >= i && buf[j] === BACKSLASH; j--) trailing++;
          this.escapeNext = trailing % 2 === 1;
          i = length;
          break;
        }
        let slashes = 0;
        for (let j = close - 1; j >= i && buf[j] === BACKSLASH; j--) slashes++;
        i = close + 1;
        if (slashes % 2 === 1) continue;
        this.inString = false;
        if (this.keyStart >= 0) this.endKey(buf, i);
        continue;
      }
      const byte = buf[i]!;
      if (this.depth === 0 && byte !== OPEN_BRACE && byte !== OPEN_BRACKET && !isSpace(byte)) {
        this.rejectTopLevel(byte);
        continue;
      }
      if (byte === QUOTE) {
        if (this.depth === this.elementDepth && this.pieceStart < 0) this.startElement(i);
        // A string at depth 1 of a top-level object, not yet a log file, may be the key "Records".
        if (this.depth === 1 && this.elementDepth === 0 && !this.insideLogFile) this.keyStart = i;
        this.inString = true;
        i++;
        continue;
      }
      if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
        if (this.depth === 0) this.startTopLevel(i);
        else if (this.depth === this.elementDepth && this.pieceStart < 0) this.startElement(i);
        this.depth++;
        if (byte === OPEN_BRACKET && this.recordsKeyPending && this.depth === 2) {
          // {"Records":[ ... ]}: from here on the elements are the pieces; the object around them is not kept.
          this.elementDepth = 2;
          this.insideLogFile = true;
          this.pieceStart = -1;
          this.elementIndex = 0;
        } else if (byte === OPEN_BRACKET && this.depth === 1) {
          this.elementDepth = 1;
          this.pieceStart = -1;
          this.elementIndex = 0;
        }
        this.recordsKeyPending = false;
        i++;
        continue;
      }
      if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
        this.depth--;
        if (this.depth < 0) throw new NotCloudTrailError(`unbalanced "${String.fromCharCode(byte)}" at line ${this.line}`);
        if (this.elementDepth > 0 && this.depth === this.elementDepth && this.pieceStart >= 0) {
          this.emitElement(buf, i + 1);
        } else if (this.elementDepth > 0 && this.depth === this.elementDepth - 1) {
          // The array of pieces closed; a scalar element just before the bracket ends here.
          if (this.pieceStart >= 0) this.emitElement(buf, i);
          this.elementDepth = 0;
        }
        if (this.depth === 0) {
          // A log file or top-level array was read element by element; anything else is one piece.
          if (this.pieceStart >= 0) this.emitTopLevel(buf, i + 1);
          else this.topLevelValues++;
          this.topLevelEnded();
          this.insideLogFile = false;
        }
        i++;
        continue;
      }
      if (byte === COMMA) {
        if (this.elementDepth > 0 && this.depth === this.elementDepth && this.pieceStart >= 0) this.emitElement(buf, i);
        this.recordsKeyPending = false;
        i++;
        continue;
      }
      if (byte === NEWLINE) {
        if (this.jsonLines && this.depth > 0) {
          // JSON Lines: a record's line ended inside it.
          this.items.push(this.brokenLine());
          this.line++;
          i++;
          continue;
        }
        this.line++;
        i++;
        continue;
      }
      if (!isSpace(byte) && byte !== COLON && this.depth === this.elementDepth && this.pieceStart < 0) this.startElement(i);
      i++;
    }
    this.position = i;
  }

  private endKey(buf: Buffer, end: number): void {
    const start = this.keyStart;
    this.keyStart = -1;
    // Compare without decoding: the key is exactly "Records" and a colon follows (after spaces).
    if (end - start !== RECORDS_KEY.length || buf.compare(RECORDS_KEY, 0, RECORDS_KEY.length, start, end) !== 0) return;
    let j = end;
    while (j < buf.length && isSpace(buf[j]!)) j++;
    // The colon may be in the next chunk; "Records" as a value (not a key) is then followed by , or }.
    if (j >= buf.length || buf[j] === COLON) this.recordsKeyPending = true;
  }

  /** A top-level value that is not an object or array: the file is not CloudTrail, or a JSON Lines line is bad. */
  private rejectTopLevel(byte: number): void {
    if (this.topLevelValues === 0) throw new NotCloudTrailError(`not JSON: it starts with ${JSON.stringify(String.fromCharCode(byte))}`);
    this.topLevelValues++;
    this.items.push({ kind: 'rejected', reason: `line ${this.line} is not JSON`, origin: `${this.name}:${this.line}` });
    this.skippingLine = true;
  }

  private startTopLevel(at: number): void {
    this.pieceStart = at;
    this.pieceLine = this.line;
    if (this.topLevelValues === 0) this.firstValueLine = this.line;
    // The second value decides: the first one on a single line, this one on a later line.
    else if (this.jsonLines === null) this.jsonLines = this.firstValueSingleLine && this.line > this.firstValueEndLine;
  }

  private firstValueSingleLine = false;
  private firstValueEndLine = 0;

  /** A top-level value ended on the current line. */
  private topLevelEnded(): void {
    if (this.topLevelValues !== 1) return;
    this.firstValueSingleLine = this.line === this.firstValueLine;
    this.firstValueEndLine = this.line;
  }

  /** The line being read, cut short: one rejected item; the scan goes on at the next line. */
  private brokenLine(): InputItem {
    const item: InputItem = { kind: 'rejected', reason: `line ${this.pieceLine} is not JSON (cut short)`, origin: `${this.name}:${this.pieceLine}` };
    this.depth = 0;
    this.inString = false;
    this.escapeNext = false;
    this.pieceStart = -1;
    this.keyStart = -1;
    this.elementDepth = 0;
    this.recordsKeyPending = false;
    this.insideLogFile = false;
    this.topLevelValues++;
    return item;
  }

  private newlineFrom(buf: Buffer, from: number): number {
    if (this.nextNewline === -2 || (this.nextNewline >= 0 && this.nextNewline < from)) this.nextNewline = buf.indexOf(NEWLINE, from);
    return this.nextNewline;
  }

  private startElement(at: number): void {
    this.pieceStart = at;
    this.pieceLine = this.line;
  }

  private emitElement(buf: Buffer, end: number): void {
    const text = buf.toString('utf8', this.pieceStart, end);
    this.pieceStart = -1;
    const index = this.elementIndex++;
    const origin = this.elementDepth === 2 ? `${this.name}#Records[${index}]` : `${this.name}[${index}]`;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      this.items.push({ kind: 'rejected', reason: `element ${index} is not JSON`, origin });
      return;
    }
    if (this.topLevelValues === 0 && index === 0 && this.elementDepth === 1 && !looksLikeCloudTrail(value)) {
      throw new NotCloudTrailError('not CloudTrail: an array of something else');
    }
    if (this.elementDepth === 2) this.items.push({ kind: 'record', record: value, origin });
    else for (const item of unwrapInput(value, origin)) this.items.push(item);
  }

  private emitTopLevel(buf: Buffer, end: number): void {
    const start = this.pieceStart;
    this.pieceStart = -1;
    const first = this.topLevelValues === 0;
    this.topLevelValues++;
    const origin = `${this.name}:${this.pieceLine}`;
    let value: unknown;
    try {
      value = JSON.parse(buf.toString('utf8', start, end));
    } catch {
      if (first) throw new NotCloudTrailError('not JSON');
      this.items.push({ kind: 'rejected', reason: `line ${this.pieceLine} is not JSON`, origin });
      return;
    }
    if (first && isDigest(value)) throw new NotCloudTrailError('a CloudTrail digest file (hashes of log files), not a log file');
    if (first && !looksLikeCloudTrail(value)) throw new NotCloudTrailError('not CloudTrail: no Records, detail-type or event fields');
    for (const item of unwrapInput(value, origin)) this.items.push(item);
  }
}
