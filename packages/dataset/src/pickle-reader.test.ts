import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FormatError } from './errors.js';
import { readPickle } from './pickle-reader.js';
import { NumpyArray, PyDict, type PySet, PyTuple, type PyValue } from './pickle-values.js';

const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`./__fixtures__/official/${name}`, import.meta.url)));

function dictOf(value: PyValue): PyDict {
  expect(value).toBeInstanceOf(PyDict);
  return value as PyDict;
}

describe('readPickle on values written by Python (tools/make-pickle-fixtures)', () => {
  for (const protocol of [0, 1, 2, 3, 4, 5]) {
    it(`reads protocol ${protocol}`, () => {
      const values = dictOf(readPickle(fixture(`values-p${protocol}.pkl`)));
      const get = (key: string) => values.get(key);
      // the literals below are the ones make_fixtures.py pickles
      expect(get('none')).toBeNull();
      expect(get('true')).toBe(true);
      expect(get('false')).toBe(false);
      expect(get('small')).toBe(7);
      expect(get('negative')).toBe(-300000);
      expect(get('big')).toBe(2n ** 70n);
      expect(get('negative_big')).toBe(-(2n ** 65n) - 1n);
      expect(get('float')).toBe(0.1);
      expect(get('inf')).toBe(Number.POSITIVE_INFINITY);
      expect(get('text')).toBe('café ✓');
      expect(get('bytes')).toEqual(new Uint8Array([0, 255, 97, 98]));

      const tuple = get('tuple') as PyTuple;
      expect(tuple).toBeInstanceOf(PyTuple);
      expect(tuple.items[0]).toBe(1);
      expect(tuple.items[1]).toBe('a');
      expect((tuple.items[2] as PyTuple).items).toEqual([2.5, null]);

      const list = get('list') as PyValue[];
      expect(list[0]).toBe(1);
      expect(list[1]).toEqual([2, 3]);
      expect(dictOf(list[2]).get('k')).toBe('v');
      expect((get('set') as PySet).items).toEqual([3]);
      expect((get('frozenset') as PySet).frozen).toBe(true);
      const intKeys = dictOf(get('int_keys') as PyValue);
      expect(intKeys.get(1)).toBe('one');
      expect(intKeys.get(1.0)).toBe('one'); // Python: 1 == 1.0 as keys
      expect(intKeys.get(new PyTuple([2, 0.5]))).toBe('pair');

      expect(get('np_float64')).toBe(1.25);
      expect(get('np_float32')).toBe(0.5);
      expect(get('np_int64')).toBe(-42);
      expect(get('np_int32')).toBe(123456);
      expect(get('np_bool')).toBe(true);
      expect(get('np_str')).toBe('héllo');
      expect(get('np_bytes')).toEqual(new Uint8Array([120, 121]));

      const matrix = get('np_matrix') as NumpyArray;
      expect(matrix).toBeInstanceOf(NumpyArray);
      expect(matrix.shape).toEqual([2, 3]);
      expect(Array.from(matrix.data as Float64Array)).toEqual([0, 0.25, 0.5, 0.75, 1, 1.25]);
      const fortran = get('np_fortran') as NumpyArray;
      expect(fortran.shape).toEqual([2, 3]);
      expect(Array.from(fortran.data as Int32Array)).toEqual([0, 1, 2, 3, 4, 5]);
      const bigEndian = get('np_big_endian') as NumpyArray;
      expect(bigEndian.dtype?.descr).toBe('>f8');
      expect(Array.from(bigEndian.data as Float64Array)).toEqual([1.5, -2]);
    });
  }
});

describe('readPickle refuses hostile and malformed pickles', () => {
  const hostile: [string, RegExp][] = [
    ['hostile-os-system-p0.pkl', /global 'os\.system' is not allowed/],
    ['hostile-reduce-p4.pkl', /global 'posix\.system' is not allowed/],
    ['hostile-eval-p2.pkl', /global '__builtin__\.eval' is not allowed/],
  ];
  for (const [name, message] of hostile) {
    it(`refuses ${name} with one line naming the global`, () => {
      let error: unknown;
      try {
        readPickle(fixture(name), { name });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(FormatError);
      const text = (error as Error).message;
      expect(text).toMatch(message);
      expect(text).toMatch(new RegExp(`^dataset: cannot read ${name.replace('.', '\\.')}:`));
      expect(text).not.toContain('\n');
    });
  }

  const bytes = (...values: (number | string)[]) =>
    new Uint8Array(
      values.flatMap((v) => (typeof v === 'string' ? [...v].map((c) => c.charCodeAt(0)) : [v])),
    );

  it('refuses other ways of building objects or reaching code', () => {
    const cases: [Uint8Array, RegExp][] = [
      // GLOBAL subprocess.Popen
      [bytes('csubprocess\nPopen\n', ')', 'R', '.'), /'subprocess\.Popen' is not allowed/],
      // STACK_GLOBAL builtins.getattr
      [bytes(0x80, 4, 0x8c, 8, 'builtins', 0x8c, 7, 'getattr', 0x93, '.'), /builtins\.getattr/],
      // NEWOBJ, INST, OBJ, persistent ids, extension registry
      [bytes(0x80, 2, ']', ')', 0x81, '.'), /NEWOBJ builds class instances/],
      [bytes('(ios\nsystem\n.'), /INST builds class instances/],
      [bytes('P1\n.'), /persistent ids/],
      [bytes(0x80, 2, 0x82, 1, '.'), /extension-registry/],
      // calling a marker class, calling a non-global, BUILD on a dict
      [bytes('cnumpy\nndarray\n)R.'), /may not be called/],
      [bytes('])R.'), /REDUCE on list/],
      [bytes('}}b.'), /BUILD on dict is not allowed/],
      // allow-listed callables with bad arguments
      [bytes('c_codecs\nencode\n', 'Vx\n', 'Vutf-16\n', 0x86, 'R.'), /encoding 'utf-16'/],
      [bytes('cnumpy\ndtype\n', 'VO8\n', 0x85, 'R.'), /numpy dtype 'O8' is not allowed/],
      [
        bytes('cnumpy.core.multiarray\n_reconstruct\n', 'cos\nsystem\n'),
        /'os\.system' is not allowed/,
      ],
    ];
    for (const [input, message] of cases) {
      expect(() => readPickle(input)).toThrow(message);
    }
  });

  it('gives one clear line for truncated and malformed input', () => {
    const good = fixture('cellinfo.pkl');
    for (const length of [0, 1, 2, 11, Math.floor(good.length / 2), good.length - 1]) {
      expect(() => readPickle(good.subarray(0, length), { name: 'cellinfo.pkl' })).toThrow(
        /^dataset: cannot read cellinfo\.pkl: (truncated|stack underflow|no MARK)/,
      );
    }
    const cases: [Uint8Array, RegExp][] = [
      [bytes(0x80, 9, '.'), /protocol 9; supported: 0\.\.5/],
      [bytes(0xff), /unknown opcode 0xff/],
      [bytes('.'), /stack underflow/],
      [bytes('e.'), /no MARK/],
      [bytes('h', 5, '.'), /memo entry 5 was never stored/],
      [bytes('NN.'), /STOP with items left/],
      [bytes(0x80, 4, 'X', 0xff, 0xff, 0xff, 0x7f, '.'), /truncated/],
      [bytes(0x80, 4, 0x8c, 2, 0xc3, 0x28, '.'), /invalid UTF-8/],
      [bytes('(]]d.'), /unhashable dictionary key of type list/],
      [bytes('}](Nu.'), /SETITEMS on list/],
    ];
    for (const [input, message] of cases) {
      expect(() => readPickle(input)).toThrow(message);
      expect(() => readPickle(input)).toThrow(FormatError);
    }
  });

  it('refuses an unhashable dictionary key while reading, as Python does', () => {
    expect(() => readPickle(bytes('}', ']', 'N', 's', '.'))).toThrow(
      /unhashable dictionary key of type list \(byte 4\)/,
    );
  });

  it('calls onProgress with growing byte counts up to the total', () => {
    const input = fixture('bench12.pkl');
    const calls: number[] = [];
    readPickle(input, { onProgress: (done) => calls.push(done), progressBytes: 10_000 });
    expect(calls.length).toBeGreaterThan(5);
    expect(calls.at(-1)).toBe(input.length);
    expect([...calls].sort((a, b) => a - b)).toEqual(calls);
  });

  it('fails only with FormatError on random and corrupted input (fuzz)', () => {
    const expectFormatErrorOrValue = (input: Uint8Array) => {
      try {
        readPickle(input);
      } catch (error) {
        expect(error).toBeInstanceOf(FormatError);
        expect((error as Error).message).not.toContain('\n');
      }
    };
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), expectFormatErrorOrValue), {
      numRuns: 2000,
    });
    const base = fixture('values-p4.pkl');
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat({ max: base.length - 1 }), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 4,
        }),
        (flips) => {
          const corrupted = base.slice();
          for (const [at, value] of flips) corrupted[at] = value;
          expectFormatErrorOrValue(corrupted);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
