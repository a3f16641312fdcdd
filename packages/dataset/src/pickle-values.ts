import { FormatError } from './errors.js';

/** A Python value read from a pickle, in JavaScript form. */
export type PyValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | PyValue[]
  | PyTuple
  | PyDict
  | PySet
  | NumpyArray
  | PyGlobal
  | NumpyDtype;

/** A Python tuple (a list is a plain JavaScript array). */
export class PyTuple {
  /** The items, in order. */
  readonly items: readonly PyValue[];
  /** Cached `keyText` of this tuple (tuples are immutable and often shared through the memo). */
  keyText: string | undefined;

  constructor(items: readonly PyValue[]) {
    this.items = items;
  }
}

/** A Python set or frozenset. */
export class PySet {
  /** The items in pickle order (duplicates are kept; Python would drop them). */
  readonly items: PyValue[] = [];
  /** True for a frozenset. */
  readonly frozen: boolean;

  constructor(frozen: boolean) {
    this.frozen = frozen;
  }
}

/** Deepest tuple nesting a dictionary key may have. */
const MAX_KEY_DEPTH = 32;

/**
 * Text that is equal for two keys exactly when Python would consider them the same dictionary
 * key (1, 1.0 and True are one key); throws for unhashable keys (lists, dicts, sets, arrays).
 */
export function keyText(key: PyValue, depth = 0): string {
  if (depth > MAX_KEY_DEPTH)
    throw new FormatError(`pickle: dictionary key nested deeper than ${MAX_KEY_DEPTH} tuples`);
  if (key === null) return 'N';
  if (typeof key === 'boolean') return key ? 'i1' : 'i0';
  if (typeof key === 'number') return Number.isInteger(key) ? `i${key}` : `f${key}`;
  if (typeof key === 'bigint') return `i${key}`;
  if (typeof key === 'string') return `s${key}`;
  if (key instanceof Uint8Array) return `b${Array.from(key).join(',')}`;
  if (key instanceof PyTuple) {
    if (key.keyText !== undefined) return key.keyText;
    let text = '(';
    for (const item of key.items) text += `${keyText(item, depth + 1)},`;
    key.keyText = `${text})`;
    return key.keyText;
  }
  throw new FormatError(`pickle: unhashable dictionary key of type ${typeName(key)}`);
}

/** A Python dict: keys and values in insertion order, looked up by Python key equality. */
export class PyDict {
  /** Keys in insertion order (a repeated key appears twice; the later value wins on lookup). */
  readonly keys: PyValue[] = [];
  /** Values, parallel to `keys`. */
  readonly values: PyValue[] = [];
  #index: Map<string, number> | undefined;

  /** Adds one item (SETITEM); lookups see it. Throws for an unhashable key, as Python does. */
  set(key: PyValue, value: PyValue): void {
    if (typeof key === 'object' && key !== null && !(key instanceof Uint8Array)) keyText(key);
    this.keys.push(key);
    this.values.push(value);
    this.#index = undefined;
  }

  /** The value under `key` (Python equality), or undefined. */
  get(key: PyValue): PyValue | undefined {
    const position = this.index().get(keyText(key));
    return position === undefined ? undefined : this.values[position];
  }

  /** True when `key` is present. */
  has(key: PyValue): boolean {
    return this.index().has(keyText(key));
  }

  /** Number of distinct keys. */
  get size(): number {
    return this.index().size;
  }

  /** Position of the winning item of each distinct key text, built once on first lookup. */
  index(): Map<string, number> {
    if (this.#index) return this.#index;
    const index = new Map<string, number>();
    for (let i = 0; i < this.keys.length; i++) index.set(keyText(this.keys[i]), i);
    this.#index = index;
    return index;
  }

  /** String keys, for dictionaries of named columns. */
  stringKeys(): string[] {
    return this.keys.filter((key): key is string => typeof key === 'string');
  }
}

/** A reference to a Python global (module, name) that is on the allow-list; never called. */
export class PyGlobal {
  readonly module: string;
  readonly name: string;

  constructor(module: string, name: string) {
    this.module = module;
    this.name = name;
  }

  /** `module.name`. */
  get qualifiedName(): string {
    return `${this.module}.${this.name}`;
  }
}

/** A numpy dtype of a plain numeric kind, or a fixed-size text kind (scalars only). */
export class NumpyDtype {
  /** 'f' float, 'i' signed integer, 'u' unsigned integer, 'b' boolean, 'U' text, 'S' bytes. */
  readonly kind: 'f' | 'i' | 'u' | 'b' | 'U' | 'S';
  /** Bytes per item: 1, 2, 4 or 8 for numbers; 4 per character for 'U', 1 per byte for 'S'. */
  readonly itemSize: number;
  /** True when items are stored little-endian (numpy '<', '|' or '=' on x86/ARM pickles). */
  littleEndian = true;

  constructor(kind: NumpyDtype['kind'], itemSize: number) {
    this.kind = kind;
    this.itemSize = itemSize;
  }

  /** numpy's short name, for example `'<f8'`. */
  get descr(): string {
    const order = this.itemSize === 1 || this.kind === 'S' ? '|' : this.littleEndian ? '<' : '>';
    return `${order}${this.kind}${this.kind === 'U' ? this.itemSize / 4 : this.itemSize}`;
  }
}

/** Typed storage of a numpy array's items. */
export type NumpyData =
  | Float64Array
  | Float32Array
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigUint64Array;

/** A numpy ndarray of a plain numeric dtype; items in C (row-major) order. */
export class NumpyArray {
  /** Item type; undefined until the pickle's BUILD step fills the array. */
  dtype: NumpyDtype | undefined;
  /** Extent of each axis. */
  shape: number[] = [];
  /** Items in row-major order (booleans as 0/1 bytes). */
  data: NumpyData = new Float64Array(0);
}

/** Python-style type name of a value, for messages. */
export function typeName(value: PyValue | undefined): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'None';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (typeof value === 'bigint') return 'int';
  if (typeof value === 'string') return 'str';
  if (value instanceof Uint8Array) return 'bytes';
  if (Array.isArray(value)) return 'list';
  if (value instanceof PyTuple) return 'tuple';
  if (value instanceof PyDict) return 'dict';
  if (value instanceof PySet) return value.frozen ? 'frozenset' : 'set';
  if (value instanceof NumpyArray) return 'numpy.ndarray';
  if (value instanceof NumpyDtype) return 'numpy.dtype';
  return `global ${value.qualifiedName}`;
}

/** Longest text of a string shown in a message. */
const MAX_SHOWN = 80;

/** A string in single quotes for a one-line message: control characters escaped, long text cut. */
export function quote(text: string): string {
  const cut = text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text;
  let escaped = '';
  for (const c of cut) {
    const code = c.charCodeAt(0);
    if (c === '\\' || c === "'") escaped += `\\${c}`;
    else if (code < 0x20 || code === 0x7f) escaped += `\\x${code.toString(16).padStart(2, '0')}`;
    else escaped += c;
  }
  return `'${escaped}'`;
}

/** Short Python-like text of a value for messages (tuples and scalars in full, others by type). */
export function describeValue(value: PyValue | undefined): string {
  if (value === null) return 'None';
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
    return String(value);
  if (value instanceof PyTuple) return `(${value.items.map(describeValue).join(', ')})`;
  return typeName(value);
}
