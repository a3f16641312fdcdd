import { FormatError } from './errors.js';
import { buildObject, callGlobal, resolveGlobal } from './pickle-globals.js';
import { PyDict, PySet, PyTuple, type PyValue, typeName } from './pickle-values.js';

/** Options of `readPickle`. */
export interface ReadPickleOptions {
  /** Name of the file for messages, for example `'bench12.pkl'`. */
  name?: string;
  /** Called about every `progressBytes` bytes with (bytes read, total bytes). */
  onProgress?: (done: number, total: number) => void;
  /** Bytes between progress calls, integer ≥ 1; default 4 MiB. */
  progressBytes?: number;
}

/** Sentinel pushed by MARK. */
const MARK = Symbol('mark');
type StackItem = PyValue | typeof MARK;

const HIGHEST_PROTOCOL = 5;
const decoder = new TextDecoder('utf-8', { fatal: true });

class Reader {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  offset = 0;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  need(count: number): void {
    if (!(count >= 0 && this.offset + count <= this.bytes.length)) {
      throw new FormatError(
        `pickle: truncated: ${count} more bytes wanted at byte ${this.offset} of ${this.bytes.length}`,
      );
    }
  }

  u8(): number {
    this.need(1);
    return this.bytes[this.offset++];
  }

  u16(): number {
    this.need(2);
    const value = this.view.getUint16(this.offset, true);
    this.offset += 2;
    return value;
  }

  i32(): number {
    this.need(4);
    const value = this.view.getInt32(this.offset, true);
    this.offset += 4;
    return value;
  }

  u32(): number {
    this.need(4);
    const value = this.view.getUint32(this.offset, true);
    this.offset += 4;
    return value;
  }

  u64(): number {
    this.need(8);
    const value = this.view.getBigUint64(this.offset, true);
    this.offset += 8;
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) this.need(Number.MAX_SAFE_INTEGER);
    return Number(value);
  }

  f64be(): number {
    this.need(8);
    const value = this.view.getFloat64(this.offset, false);
    this.offset += 8;
    return value;
  }

  take(count: number): Uint8Array {
    this.need(count);
    const out = this.bytes.subarray(this.offset, this.offset + count);
    this.offset += count;
    return out;
  }

  utf8(count: number): string {
    const raw = this.take(count);
    try {
      return decoder.decode(raw);
    } catch {
      throw new FormatError(`pickle: invalid UTF-8 text before byte ${this.offset}`);
    }
  }

  line(): string {
    const end = this.bytes.indexOf(0x0a, this.offset);
    if (end < 0) this.need(this.bytes.length - this.offset + 1);
    let text = '';
    for (let i = this.offset; i < end; i++) text += String.fromCharCode(this.bytes[i]);
    this.offset = end + 1;
    return text.endsWith('\r') ? text.slice(0, -1) : text;
  }
}

/** Little-endian two's-complement integer of any width (LONG1 / LONG4). */
function decodeLong(raw: Uint8Array): number | bigint {
  if (raw.length === 0) return 0;
  let value = 0n;
  for (let i = raw.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(raw[i]);
  if (raw[raw.length - 1] & 0x80) value -= 1n << BigInt(raw.length * 8);
  return smallest(value);
}

function smallest(value: bigint): number | bigint {
  const safe = value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER);
  return safe ? Number(value) : value;
}

function parseDecimal(text: string, what: string): number | bigint {
  const trimmed = text.endsWith('L') ? text.slice(0, -1) : text;
  if (!/^[+-]?\d+$/.test(trimmed))
    throw new FormatError(`pickle: ${what} ${JSON.stringify(text)} is not an integer`);
  return smallest(BigInt(trimmed));
}

/** Decodes the body of a protocol-0 STRING: a quoted Python literal with backslash escapes. */
function parseQuoted(text: string): string {
  const quote = text[0];
  if (text.length < 2 || (quote !== "'" && quote !== '"') || text.at(-1) !== quote) {
    throw new FormatError(`pickle: STRING argument ${JSON.stringify(text)} is not quoted`);
  }
  const body = text.slice(1, -1);
  const simple: Record<string, string> = {
    n: '\n',
    t: '\t',
    r: '\r',
    '\\': '\\',
    "'": "'",
    '"': '"',
    '0': '\0',
  };
  return body.replace(/\\(x[0-9a-fA-F]{2}|.)/g, (_, sequence: string) =>
    sequence.length === 3
      ? String.fromCharCode(Number.parseInt(sequence.slice(1), 16))
      : (simple[sequence] ?? `\\${sequence}`),
  );
}

/** Decodes raw-unicode-escape text (protocol-0 UNICODE). */
function parseRawUnicode(text: string): string {
  return text.replace(
    /\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g,
    (_, short?: string, long?: string) =>
      String.fromCodePoint(Number.parseInt((short ?? long) as string, 16)),
  );
}

/**
 * Reads a Python pickle (protocols 0-5) into JavaScript values without executing anything: only
 * the globals of the allow-list (plain containers, numpy scalars, dtypes and arrays, `_codecs.encode`)
 * may be named, and only they may be called. Anything else (a hostile or unsupported pickle,
 * truncated or malformed bytes) throws `FormatError` with one line naming the problem.
 */
export function readPickle(
  input: Uint8Array | ArrayBuffer,
  options: ReadPickleOptions = {},
): PyValue {
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  const where = options.name ?? 'pickle';
  const reader = new Reader(bytes);
  try {
    return run(reader, options);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // One line whatever the input held: control characters never reach the message.
    const detail = message.replace(/^pickle: /, '').replace(/[\r\n]+/g, ' ');
    throw new FormatError(`dataset: cannot read ${where}: ${detail} (byte ${reader.offset})`, {
      cause: error,
    });
  }
}

function run(r: Reader, options: ReadPickleOptions): PyValue {
  const stack: StackItem[] = [];
  const marks: number[] = [];
  const memo: PyValue[] = [];
  const total = r.bytes.length;
  const step = options.progressBytes ?? 4 * 2 ** 20;
  let nextProgress = step;

  const pop = (): PyValue => {
    if (stack.length === 0 || (marks.length > 0 && stack.length <= marks[marks.length - 1]))
      throw new FormatError('pickle: stack underflow');
    return stack.pop() as PyValue;
  };
  const top = (): PyValue => {
    if (stack.length === 0 || (marks.length > 0 && stack.length <= marks[marks.length - 1]))
      throw new FormatError('pickle: stack underflow');
    return stack[stack.length - 1] as PyValue;
  };
  const popMark = (): PyValue[] => {
    const start = marks.pop();
    if (start === undefined) throw new FormatError('pickle: no MARK on the stack');
    return stack.splice(start) as PyValue[];
  };
  const memoGet = (index: number): PyValue => {
    if (!(index in memo)) throw new FormatError(`pickle: memo entry ${index} was never stored`);
    return memo[index];
  };
  const memoPut = (index: number): void => {
    memo[index] = top();
  };
  const setItems = (dict: PyValue, items: PyValue[]): void => {
    if (!(dict instanceof PyDict)) throw new FormatError(`pickle: SETITEMS on ${typeName(dict)}`);
    if (items.length % 2 !== 0)
      throw new FormatError('pickle: SETITEMS with an odd number of items');
    for (let i = 0; i < items.length; i += 2) dict.set(items[i], items[i + 1]);
  };
  const append = (list: PyValue, items: PyValue[]): void => {
    if (!Array.isArray(list)) throw new FormatError(`pickle: APPEND on ${typeName(list)}`);
    for (const item of items) list.push(item);
  };

  for (;;) {
    if (r.offset >= nextProgress) {
      options.onProgress?.(r.offset, total);
      nextProgress = r.offset + step;
    }
    const opcode = r.u8();
    switch (opcode) {
      case 0x80: {
        const protocol = r.u8();
        if (protocol > HIGHEST_PROTOCOL)
          throw new FormatError(`pickle: protocol ${protocol}; supported: 0..${HIGHEST_PROTOCOL}`);
        break;
      }
      case 0x95: // FRAME: a length hint only
        r.u64();
        break;
      case 0x2e: {
        // STOP
        const result = pop();
        if (stack.length > 0 || marks.length > 0)
          throw new FormatError('pickle: STOP with items left on the stack');
        options.onProgress?.(total, total);
        return result;
      }
      case 0x28: // MARK
        marks.push(stack.length);
        break;
      case 0x30: // POP
        if (marks.length > 0 && stack.length === marks[marks.length - 1]) marks.pop();
        else pop();
        break;
      case 0x31: // POP_MARK
        popMark();
        break;
      case 0x32: // DUP
        stack.push(top());
        break;

      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x88: // NEWTRUE
        stack.push(true);
        break;
      case 0x89: // NEWFALSE
        stack.push(false);
        break;
      case 0x49: {
        // INT (text); 'I01' / 'I00' are True / False
        const text = r.line();
        if (text === '01' || text === '00') stack.push(text === '01');
        else stack.push(parseDecimal(text, 'INT'));
        break;
      }
      case 0x4a: // BININT
        stack.push(r.i32());
        break;
      case 0x4b: // BININT1
        stack.push(r.u8());
        break;
      case 0x4d: // BININT2
        stack.push(r.u16());
        break;
      case 0x4c: // LONG (text)
        stack.push(parseDecimal(r.line(), 'LONG'));
        break;
      case 0x8a: // LONG1
        stack.push(decodeLong(r.take(r.u8())));
        break;
      case 0x8b: {
        // LONG4
        const size = r.i32();
        if (size < 0) throw new FormatError(`pickle: LONG4 with negative size ${size}`);
        stack.push(decodeLong(r.take(size)));
        break;
      }
      case 0x46: {
        // FLOAT (text)
        stack.push(parseFloatText(r.line()));
        break;
      }
      case 0x47: // BINFLOAT (big-endian)
        stack.push(r.f64be());
        break;

      case 0x53: // STRING (Python 2 str, text)
        stack.push(parseQuoted(r.line()));
        break;
      case 0x54: {
        // BINSTRING
        const size = r.i32();
        if (size < 0) throw new FormatError(`pickle: BINSTRING with negative size ${size}`);
        stack.push(latin1(r.take(size)));
        break;
      }
      case 0x55: // SHORT_BINSTRING
        stack.push(latin1(r.take(r.u8())));
        break;
      case 0x56: // UNICODE (raw-unicode-escape text)
        stack.push(parseRawUnicode(r.line()));
        break;
      case 0x58: // BINUNICODE
        stack.push(r.utf8(r.u32()));
        break;
      case 0x8c: // SHORT_BINUNICODE
        stack.push(r.utf8(r.u8()));
        break;
      case 0x8d: // BINUNICODE8
        stack.push(r.utf8(r.u64()));
        break;
      case 0x42: // BINBYTES
        stack.push(r.take(r.u32()).slice());
        break;
      case 0x43: // SHORT_BINBYTES
        stack.push(r.take(r.u8()).slice());
        break;
      case 0x8e: // BINBYTES8
      case 0x96: // BYTEARRAY8
        stack.push(r.take(r.u64()).slice());
        break;

      case 0x5d: // EMPTY_LIST
        stack.push([]);
        break;
      case 0x6c: // LIST
        stack.push(popMark());
        break;
      case 0x61: {
        // APPEND
        const item = pop();
        append(top(), [item]);
        break;
      }
      case 0x65: {
        // APPENDS
        const items = popMark();
        append(top(), items);
        break;
      }
      case 0x29: // EMPTY_TUPLE
        stack.push(new PyTuple([]));
        break;
      case 0x74: // TUPLE
        stack.push(new PyTuple(popMark()));
        break;
      case 0x85: // TUPLE1
        stack.push(new PyTuple([pop()]));
        break;
      case 0x86: {
        // TUPLE2
        const second = pop();
        stack.push(new PyTuple([pop(), second]));
        break;
      }
      case 0x87: {
        // TUPLE3
        const third = pop();
        const second = pop();
        stack.push(new PyTuple([pop(), second, third]));
        break;
      }
      case 0x7d: // EMPTY_DICT
        stack.push(new PyDict());
        break;
      case 0x64: {
        // DICT
        const dict = new PyDict();
        setItems(dict, popMark());
        stack.push(dict);
        break;
      }
      case 0x73: {
        // SETITEM
        const value = pop();
        const key = pop();
        setItems(top(), [key, value]);
        break;
      }
      case 0x75: {
        // SETITEMS
        const items = popMark();
        setItems(top(), items);
        break;
      }
      case 0x8f: // EMPTY_SET
        stack.push(new PySet(false));
        break;
      case 0x90: {
        // ADDITEMS
        const items = popMark();
        const set = top();
        if (!(set instanceof PySet) || set.frozen)
          throw new FormatError(`pickle: ADDITEMS on ${typeName(set)}`);
        set.items.push(...items);
        break;
      }
      case 0x91: {
        // FROZENSET
        const set = new PySet(true);
        set.items.push(...popMark());
        stack.push(set);
        break;
      }

      case 0x70: // PUT (text)
        memoPut(Number(parseDecimal(r.line(), 'PUT index')));
        break;
      case 0x71: // BINPUT
        memoPut(r.u8());
        break;
      case 0x72: // LONG_BINPUT
        memoPut(r.u32());
        break;
      case 0x94: // MEMOIZE
        memo[memo.length] = top();
        break;
      case 0x67: // GET (text)
        stack.push(memoGet(Number(parseDecimal(r.line(), 'GET index'))));
        break;
      case 0x68: // BINGET
        stack.push(memoGet(r.u8()));
        break;
      case 0x6a: // LONG_BINGET
        stack.push(memoGet(r.u32()));
        break;

      case 0x63: {
        // GLOBAL 'module\nname\n'
        const module = r.line();
        stack.push(resolveGlobal(module, r.line()));
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string')
          throw new FormatError('pickle: STACK_GLOBAL needs two strings');
        stack.push(resolveGlobal(module, name));
        break;
      }
      case 0x52: {
        // REDUCE
        const args = pop();
        const callable = pop();
        stack.push(callGlobal(callable, args));
        break;
      }
      case 0x62: {
        // BUILD
        const state = pop();
        buildObject(top(), state);
        break;
      }
      case 0x69: // INST
      case 0x6f: // OBJ
      case 0x81: // NEWOBJ
      case 0x92: // NEWOBJ_EX
        throw new FormatError(
          `pickle: opcode ${opcodeName(opcode)} builds class instances, which are not allowed`,
        );
      case 0x50: // PERSID
      case 0x51: // BINPERSID
        throw new FormatError('pickle: persistent ids are not allowed');
      case 0x82: // EXT1
      case 0x83: // EXT2
      case 0x84: // EXT4
        throw new FormatError('pickle: extension-registry globals are not allowed');
      case 0x97: // NEXT_BUFFER
      case 0x98: // READONLY_BUFFER
        throw new FormatError('pickle: out-of-band buffers are not supported');
      default:
        throw new FormatError(`pickle: unknown opcode 0x${opcode.toString(16).padStart(2, '0')}`);
    }
  }
}

/** Python's float repr: decimal text, 'inf', '-inf' or 'nan'. */
function parseFloatText(text: string): number {
  const special: Record<string, number> = { inf: Infinity, '-inf': -Infinity, nan: Number.NaN };
  const lower = text.trim().toLowerCase();
  if (lower in special) return special[lower];
  const value = Number(lower);
  if (lower === '' || Number.isNaN(value))
    throw new FormatError(`pickle: FLOAT ${JSON.stringify(text)} is not a number`);
  return value;
}

function latin1(raw: Uint8Array): string {
  let text = '';
  for (const byte of raw) text += String.fromCharCode(byte);
  return text;
}

function opcodeName(opcode: number): string {
  return (
    { 105: 'INST', 111: 'OBJ', 129: 'NEWOBJ', 146: 'NEWOBJ_EX' }[opcode] ??
    `0x${opcode.toString(16)}`
  );
}
