import { FormatError } from './errors.js';
import {
  describeValue,
  NumpyArray,
  type NumpyData,
  NumpyDtype,
  PyDict,
  PyGlobal,
  PySet,
  PyTuple,
  type PyValue,
  quote,
  typeName,
} from './pickle-values.js';

/** What an allow-listed callable does with its (already validated) positional arguments. */
type Reconstructor = (args: readonly PyValue[]) => PyValue;

function fail(message: string): never {
  throw new FormatError(`pickle: ${message}`);
}

function expectArgs(name: string, args: readonly PyValue[], min: number, max = min): void {
  if (args.length < min || args.length > max) {
    const wanted = min === max ? `${min}` : `${min}..${max}`;
    fail(`${name} takes ${wanted} arguments, got ${args.length}`);
  }
}

function latin1Bytes(text: string, what: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0xff) fail(`${what} holds a character above U+00FF, which latin-1 cannot encode`);
    bytes[i] = code;
  }
  return bytes;
}

function bytesOf(value: PyValue, what: string): Uint8Array {
  if (value instanceof Uint8Array) return value;
  // Python 2 pickles (and protocol 0-2 numpy payloads) carry raw bytes in str objects.
  if (typeof value === 'string') return latin1Bytes(value, what);
  return fail(`${what} must be bytes, got ${typeName(value)}`);
}

function shapeOf(value: PyValue, what: string): number[] {
  const items = value instanceof PyTuple ? value.items : Array.isArray(value) ? value : undefined;
  if (!items) return fail(`${what} must be a tuple of sizes, got ${typeName(value)}`);
  return items.map((size) => {
    if (typeof size !== 'number' || !Number.isInteger(size) || size < 0)
      fail(`${what} holds ${describeValue(size)}; allowed: integers ≥ 0`);
    return size as number;
  });
}

const DTYPE_SIZES: Record<string, readonly number[]> = {
  f: [4, 8],
  i: [1, 2, 4, 8],
  u: [1, 2, 4, 8],
  b: [1],
};
const DTYPES_ALLOWED = 'f4, f8, i1, i2, i4, i8, u1, u2, u4, u8, b1; U<n>, S<n> for scalars';
/** Longest text dtype accepted, characters or bytes. */
const MAX_TEXT_ITEM = 4096;

function makeDtype(args: readonly PyValue[]): NumpyDtype {
  expectArgs('numpy.dtype', args, 1, 3);
  const text = args[0];
  const pattern = /^([<>|=]?)(?:([fiub])(\d)|([US])(\d{1,4}))$/;
  const match = typeof text === 'string' ? pattern.exec(text) : null;
  const numeric = match?.[2] as NumpyDtype['kind'] | undefined;
  const textual = match?.[4] as NumpyDtype['kind'] | undefined;
  const count = Number(match?.[3] ?? match?.[5]);
  const ok = numeric
    ? DTYPE_SIZES[numeric].includes(count)
    : textual !== undefined && count >= 1 && count <= MAX_TEXT_ITEM;
  if (!match || !ok) {
    return fail(`numpy dtype ${describeValue(text)} is not allowed; allowed: ${DTYPES_ALLOWED}`);
  }
  const kind = (numeric ?? textual) as NumpyDtype['kind'];
  const dtype = new NumpyDtype(kind, kind === 'U' ? count * 4 : count);
  dtype.littleEndian = match[1] !== '>';
  return dtype;
}

/** Applies numpy's dtype state (version, byte order, None, None, None, size, alignment, flags). */
function buildDtype(dtype: NumpyDtype, state: PyValue): void {
  const items = state instanceof PyTuple ? state.items : undefined;
  if (!items || items.length < 2) fail(`numpy dtype state must be a tuple, got ${typeName(state)}`);
  const order = (items as readonly PyValue[])[1];
  if (order !== '<' && order !== '>' && order !== '|' && order !== '=')
    fail(`numpy dtype byte order ${describeValue(order)}; allowed: '<', '>', '|', '='`);
  for (const extra of (items as readonly PyValue[]).slice(2, 5)) {
    if (extra !== null) fail('numpy dtypes with fields or sub-arrays are not allowed');
  }
  dtype.littleEndian = order !== '>';
}

function decodeItems(dtype: NumpyDtype, raw: Uint8Array, count: number): NumpyData {
  const expected = count * dtype.itemSize;
  if (raw.length !== expected)
    fail(
      `numpy data of ${raw.length} bytes for ${count} items of ${dtype.descr}; expected ${expected}`,
    );
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const le = dtype.littleEndian;
  const size = dtype.itemSize;
  const fill = <T extends NumpyData>(out: T, read: (offset: number) => number | bigint): T => {
    for (let i = 0; i < count; i++) (out as unknown as (number | bigint)[])[i] = read(i * size);
    return out;
  };
  switch (`${dtype.kind}${size}`) {
    case 'f8':
      return fill(new Float64Array(count), (o) => view.getFloat64(o, le));
    case 'f4':
      return fill(new Float32Array(count), (o) => view.getFloat32(o, le));
    case 'i1':
      return fill(new Int8Array(count), (o) => view.getInt8(o));
    case 'i2':
      return fill(new Int16Array(count), (o) => view.getInt16(o, le));
    case 'i4':
      return fill(new Int32Array(count), (o) => view.getInt32(o, le));
    case 'i8':
      return fill(new BigInt64Array(count), (o) => view.getBigInt64(o, le));
    case 'u1':
    case 'b1':
      return fill(new Uint8Array(count), (o) => view.getUint8(o));
    case 'u2':
      return fill(new Uint16Array(count), (o) => view.getUint16(o, le));
    case 'u4':
      return fill(new Uint32Array(count), (o) => view.getUint32(o, le));
    default:
      return fill(new BigUint64Array(count), (o) => view.getBigUint64(o, le));
  }
}

/** Reorders Fortran-order items into C order. */
function toRowMajor(data: NumpyData, shape: readonly number[]): NumpyData {
  if (shape.length < 2) return data;
  const out = data.slice() as NumpyData;
  const count = data.length;
  const index = new Array<number>(shape.length).fill(0);
  for (let c = 0; c < count; c++) {
    let fortran = 0;
    let stride = 1;
    for (let axis = 0; axis < shape.length; axis++) {
      fortran += index[axis] * stride;
      stride *= shape[axis];
    }
    (out as unknown as (number | bigint)[])[c] = data[fortran];
    for (let axis = shape.length - 1; axis >= 0; axis--) {
      index[axis] += 1;
      if (index[axis] < shape[axis]) break;
      index[axis] = 0;
    }
  }
  return out;
}

function fillArray(
  array: NumpyArray,
  dtype: PyValue,
  shape: number[],
  fortran: boolean,
  raw: Uint8Array,
): void {
  if (!(dtype instanceof NumpyDtype))
    fail(`numpy array dtype must be a dtype, got ${typeName(dtype)}`);
  const descr = (dtype as NumpyDtype).descr;
  if (/[US]/.test(descr)) fail(`numpy arrays of dtype ${descr} are not supported`);
  const count = shape.reduce((product, size) => product * size, 1);
  const items = decodeItems(dtype as NumpyDtype, raw, count);
  array.dtype = dtype as NumpyDtype;
  array.shape = shape;
  array.data = fortran ? toRowMajor(items, shape) : items;
}

/** Applies ndarray.__setstate__: ([version,] shape, dtype, is_fortran, raw bytes). */
function buildArray(array: NumpyArray, state: PyValue): void {
  if (array.dtype) fail('numpy array state applied twice');
  const items = state instanceof PyTuple ? [...state.items] : undefined;
  if (!items || (items.length !== 4 && items.length !== 5))
    fail(`numpy array state must be a 4- or 5-tuple, got ${describeValue(state)}`);
  const fields = items as PyValue[];
  if (fields.length === 5) fields.shift();
  const [shape, dtype, fortran, raw] = fields;
  if (typeof fortran !== 'boolean' && fortran !== 0 && fortran !== 1)
    fail(`numpy array order flag ${describeValue(fortran)}; allowed: True, False`);
  fillArray(
    array,
    dtype,
    shapeOf(shape, 'numpy array shape'),
    Boolean(fortran),
    bytesOf(raw, 'numpy array data'),
  );
}

function scalar(args: readonly PyValue[]): PyValue {
  expectArgs('numpy scalar', args, 2);
  const [dtype, raw] = args;
  if (!(dtype instanceof NumpyDtype))
    return fail(`numpy scalar dtype must be a dtype, got ${typeName(dtype)}`);
  const bytes = bytesOf(raw, 'numpy scalar data');
  if (dtype.kind === 'U' || dtype.kind === 'S') return textScalar(dtype, bytes);
  const value = decodeItems(dtype, bytes, 1)[0];
  if (dtype.kind === 'b') return value === 1;
  if (typeof value === 'bigint') {
    const small =
      value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER);
    return small ? Number(value) : value;
  }
  return value;
}

/** numpy.str_ (UTF-32 code points) or numpy.bytes_, trailing NULs removed as numpy does. */
function textScalar(dtype: NumpyDtype, raw: Uint8Array): PyValue {
  if (raw.length !== dtype.itemSize)
    fail(`numpy scalar of ${dtype.descr} has ${raw.length} bytes; expected ${dtype.itemSize}`);
  let end = raw.length;
  if (dtype.kind === 'S') {
    while (end > 0 && raw[end - 1] === 0) end -= 1;
    return raw.slice(0, end);
  }
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  let text = '';
  for (let offset = 0; offset < raw.length; offset += 4) {
    const point = view.getUint32(offset, dtype.littleEndian);
    if (point > 0x10ffff || (point >= 0xd800 && point <= 0xdfff))
      fail(`numpy str_ holds an invalid code point ${point}`);
    text += String.fromCodePoint(point);
  }
  return text.replace(/\0+$/, '');
}

function reconstruct(args: readonly PyValue[]): PyValue {
  expectArgs('numpy _reconstruct', args, 3);
  const cls = args[0];
  if (!(cls instanceof PyGlobal) || cls.qualifiedName !== 'numpy.ndarray')
    fail(`numpy _reconstruct may only build numpy.ndarray, got ${typeName(cls)}`);
  shapeOf(args[1], 'numpy _reconstruct shape');
  return new NumpyArray();
}

function fromBuffer(args: readonly PyValue[]): PyValue {
  expectArgs('numpy _frombuffer', args, 4);
  const [buffer, dtype, shape, order] = args;
  if (order !== 'C' && order !== 'F')
    fail(`numpy array order ${describeValue(order)}; allowed: 'C', 'F'`);
  const array = new NumpyArray();
  fillArray(
    array,
    dtype,
    shapeOf(shape, 'numpy array shape'),
    order === 'F',
    bytesOf(buffer, 'numpy buffer'),
  );
  return array;
}

function codecsEncode(args: readonly PyValue[]): PyValue {
  expectArgs('_codecs.encode', args, 2);
  const [text, encoding] = args;
  if (typeof text !== 'string') return fail(`_codecs.encode needs a str, got ${typeName(text)}`);
  if (encoding !== 'latin1' && encoding !== 'latin-1')
    fail(`_codecs.encode encoding ${describeValue(encoding)}; allowed: 'latin1'`);
  return latin1Bytes(text, '_codecs.encode text');
}

function iterableItems(value: PyValue, what: string): readonly PyValue[] {
  if (Array.isArray(value)) return value;
  if (value instanceof PyTuple || value instanceof PySet) return value.items;
  return fail(`${what} needs a list, tuple or set, got ${typeName(value)}`);
}

function makeSet(frozen: boolean): Reconstructor {
  const name = frozen ? 'frozenset' : 'set';
  return (args) => {
    expectArgs(name, args, 0, 1);
    const set = new PySet(frozen);
    if (args.length === 1) set.items.push(...iterableItems(args[0], name));
    return set;
  };
}

function makeBytes(args: readonly PyValue[]): PyValue {
  expectArgs('bytes', args, 0, 2);
  if (args.length === 0) return new Uint8Array(0);
  if (args[0] instanceof Uint8Array && args.length === 1) return args[0].slice();
  return codecsEncode(args);
}

function orderedDict(args: readonly PyValue[]): PyValue {
  expectArgs('collections.OrderedDict', args, 0);
  return new PyDict();
}

const SCALAR_MODULES = ['numpy.core.multiarray', 'numpy._core.multiarray'];
const NUMERIC_MODULES = ['numpy.core.numeric', 'numpy._core.numeric'];
const BUILTIN_MODULES = ['builtins', '__builtin__'];

/** Callables a pickle may name, by 'module name'; everything else is refused. */
const CALLABLES = new Map<string, Reconstructor>([
  ...SCALAR_MODULES.map((m): [string, Reconstructor] => [`${m} scalar`, scalar]),
  ...SCALAR_MODULES.map((m): [string, Reconstructor] => [`${m} _reconstruct`, reconstruct]),
  ...NUMERIC_MODULES.map((m): [string, Reconstructor] => [`${m} _frombuffer`, fromBuffer]),
  ['numpy dtype', makeDtype],
  ['_codecs encode', codecsEncode],
  ['collections OrderedDict', orderedDict],
  ...BUILTIN_MODULES.flatMap((m): [string, Reconstructor][] => [
    [`${m} set`, makeSet(false)],
    [`${m} frozenset`, makeSet(true)],
    [`${m} bytes`, makeBytes],
    [`${m} bytearray`, makeBytes],
  ]),
]);

/** Globals that may appear only as arguments (classes), never be called. */
const MARKERS = new Set(['numpy ndarray']);

/** The allow-list as `module.name` text, for messages and documentation. */
export const ALLOWED_GLOBALS: readonly string[] = [...CALLABLES.keys(), ...MARKERS].map((key) =>
  key.replace(' ', '.'),
);

/** Resolves a GLOBAL / STACK_GLOBAL reference; throws for anything not on the allow-list. */
export function resolveGlobal(module: string, name: string): PyGlobal {
  const key = `${module} ${name}`;
  if (!CALLABLES.has(key) && !MARKERS.has(key)) {
    throw new FormatError(
      `pickle: global ${quote(`${module}.${name}`)} is not allowed (a pickle that names it could run code); allowed: plain containers and numpy scalars/arrays (${ALLOWED_GLOBALS.join(', ')})`,
    );
  }
  return new PyGlobal(module, name);
}

/** REDUCE: calls an allow-listed callable with a tuple of arguments it validates itself. */
export function callGlobal(callable: PyValue, args: PyValue): PyValue {
  if (!(callable instanceof PyGlobal))
    return fail(`REDUCE on ${typeName(callable)}; only allow-listed globals may be called`);
  const reconstructor = CALLABLES.get(`${callable.module} ${callable.name}`);
  if (!reconstructor) return fail(`global '${callable.qualifiedName}' may not be called`);
  if (!(args instanceof PyTuple))
    return fail(`REDUCE arguments must be a tuple, got ${typeName(args)}`);
  return reconstructor(args.items);
}

/** BUILD: applies state to the objects that numpy's pickles build in two steps; refuses others. */
export function buildObject(target: PyValue, state: PyValue): void {
  if (target instanceof NumpyDtype) buildDtype(target, state);
  else if (target instanceof NumpyArray) buildArray(target, state);
  else fail(`BUILD on ${typeName(target)} is not allowed (only numpy dtypes and arrays)`);
}
