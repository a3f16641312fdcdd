#!/usr/bin/env python3
"""Writes the small pickle fixtures of packages/dataset/src/__fixtures__/official/.

Run from the repository root:  python3 tools/make-pickle-fixtures/make_fixtures.py

Full-size pickles for a timing of the importer (not committed; about 0.5 GB):
  pnpm nhb space classes --json > /tmp/classes.jsonl
  python3 tools/make-pickle-fixtures/make_fixtures.py --full /tmp/full-official --classes /tmp/classes.jsonl

Needs Python 3.8+ and numpy (1.x or 2.x). The output is deterministic for a given Python and
numpy version. What it writes (see the fixtures' README for the details):

- bench12.pkl, cellinfo.pkl, avgaccs200.pkl: three classes of equivalent cells, 6 (lr, batch size)
  pairs, 3 seeds, shaped like the official files as the official API reads them
  ({column: {(hash, lr, batch_size, seed): value}}, {'hash': {cellcode: hash}},
  {'avg_acc': {(hash, lr, batch_size): value}}), with Python floats and numpy float64 values;
- expected.json: answers to queries computed here with the official API's rules, so the
  TypeScript importer is checked against a second implementation;
- values-p0.pkl .. values-p5.pkl: one dict of assorted Python and numpy values per protocol;
- hostile-*.pkl: pickles that WOULD RUN A SHELL COMMAND if unpickled by Python. This script only
  writes them; it never loads them. Never call pickle.load on them.
"""
import hashlib
import io
import json
import math
import os
import pickle
import random
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, 'packages', 'dataset', 'src', '__fixtures__', 'official')

# Three classes of equivalent cells as the search-space package computes them (`nhb space classes`):
# the README's example cell (a class of one), and two classes with several members.
# The first code of each list is the authors' representative (their acml12 list).
CLASSES = [
    ['0|10|210'],
    ['0|00|032', '0|03|002', '0|03|020', '0|23|000', '2|03|000', '2|30|000'],
    ['0|00|112', '0|01|102', '0|10|012', '0|11|002'],
]
LRS = [0.1, 0.2]
BATCH_SIZES = [64, 256, 512]
SEEDS = [222, 555, 888]
EPOCHS = 12
MODES = ['train', 'valid', 'test']


def cell_hash(representative):
    """A stand-in for the official hash of a class: md5 hex of its representative."""
    return hashlib.md5(representative.encode()).hexdigest()


class NumpyOnePickler(pickle._Pickler):
    """Names numpy's scalar reconstructor `numpy.core.multiarray.scalar`, as numpy 1.x pickles do
    (numpy 2 writes `numpy._core.multiarray.scalar`); everything else is pickled as usual."""

    def save_global(self, obj, name=None):
        if obj is np.float64(0).__reduce__()[0]:
            module, qualified = 'numpy.core.multiarray', 'scalar'
            if self.proto >= 4:
                self.save(module)
                self.save(qualified)
                self.write(pickle.STACK_GLOBAL)
            else:
                self.write(pickle.GLOBAL + f'{module}\n{qualified}\n'.encode())
            self.memoize(obj)
            return
        super().save_global(obj, name)


def dump_numpy_one(value, protocol):
    buffer = io.BytesIO()
    NumpyOnePickler(buffer, protocol=protocol).dump(value)
    return buffer.getvalue()


def make_benchmark():
    rng = random.Random(2026)
    bench12 = {}
    rows = []
    for classes_index, members in enumerate(CLASSES):
        h = cell_hash(members[0])
        for lr in LRS:
            for bs in BATCH_SIZES:
                for seed in SEEDS:
                    key = (h, lr, bs, seed)
                    final = 60 + 10 * classes_index + 8 * lr - bs / 256 + rng.uniform(-2, 2)
                    row = {}
                    for mode, offset in zip(MODES, [3.0, 0.0, -0.5]):
                        for e in range(EPOCHS):
                            accuracy = 10 + (final - 10) * (e + 1) / EPOCHS + offset
                            row[f'{mode}_acc_{e}'] = round(accuracy + rng.uniform(-0.3, 0.3), 3)
                            row[f'{mode}_loss_{e}'] = round(2.3 - 1.5 * (e + 1) / EPOCHS + rng.uniform(0, 0.1), 4)
                    for e in range(EPOCHS):
                        row[f'train_time_{e}'] = round(20 * 256 / bs + rng.uniform(0, 3), 3)
                        row[f'valid_time_{e}'] = round(4 + rng.uniform(0, 1), 3)
                        row[f'test_time_{e}'] = round(2 + rng.uniform(0, 0.5), 3)
                    # The official totals need not equal the sums of the per-epoch times; these
                    # carry a little overhead so a test can tell which one was used.
                    train_sum = sum(row[f'train_time_{e}'] for e in range(EPOCHS))
                    valid_sum = sum(row[f'valid_time_{e}'] for e in range(EPOCHS))
                    test_sum = sum(row[f'test_time_{e}'] for e in range(EPOCHS))
                    row['total_train_time'] = round(train_sum + rng.uniform(0.5, 2), 3)
                    row['total_trainval_time'] = round(row['total_train_time'] + valid_sum + rng.uniform(0.5, 2), 3)
                    row['total_test_time'] = round(test_sum + rng.uniform(0.1, 0.5), 3)
                    rows.append((key, row))

    columns = list(rows[0][1].keys())
    for column in columns:
        # numpy float64 for accuracies and train losses, Python floats for the rest
        as_numpy = column.split('_')[1] == 'acc' or column.startswith('train_loss')
        bench12[column] = {key: (np.float64(row[column]) if as_numpy else row[column]) for key, row in rows}
    bench12['lr'] = {key: key[1] for key, _ in rows}
    bench12['batch_size'] = {key: np.int64(key[2]) for key, _ in rows}
    bench12['seed'] = {key: key[3] for key, _ in rows}
    # An invented extra column: the importer must report it as unused, not fail.
    bench12['weight_norm_11'] = {key: 1.0 for key, _ in rows}

    cellinfo = {'hash': {code: cell_hash(members[0]) for members in CLASSES for code in members}}
    avgaccs200 = {'avg_acc': {}}
    for classes_index, members in enumerate(CLASSES):
        for lr in LRS:
            for bs in BATCH_SIZES:
                value = round(85 + 3 * classes_index + 5 * lr - bs / 512 + rng.uniform(-1, 1), 4)
                avgaccs200['avg_acc'][(cell_hash(members[0]), lr, bs)] = np.float64(value)
    return bench12, cellinfo, avgaccs200


def official_query(bench12, cellinfo, avgaccs200, cellcode, lr, batch_size, epoch=12, mode='valid', iepoch=None, seed=None):
    """The official API's query rules (read from nashpobench2api), reimplemented for the check."""
    h = cellinfo['hash'][cellcode]
    if epoch == 200:
        return float(avgaccs200['avg_acc'][(h, lr, batch_size)]), None
    if iepoch is None:
        iepoch = epoch
    seed = SEEDS[0] if seed is None else seed
    key = (h, lr, batch_size, seed)
    accuracy = float(bench12[f'{mode}_acc_{iepoch - 1}'][key])
    if iepoch == epoch:
        if mode == 'train':
            cost = bench12['total_train_time'][key]
        elif mode == 'valid':
            cost = bench12['total_trainval_time'][key]
        else:
            cost = bench12['total_trainval_time'][key] + bench12['total_test_time'][key]
    else:
        passes = {'train': ['train'], 'valid': ['train', 'valid'], 'test': ['train', 'valid', 'test']}[mode]
        cost = 0
        for m in passes:
            for i in range(iepoch):
                cost += bench12[f'{m}_time_{i}'][key]
    return accuracy, float(cost)


def expected_answers(bench12, cellinfo, avgaccs200):
    rng = random.Random(7)
    queries = []
    codes = [code for members in CLASSES for code in members]
    for _ in range(60):
        query = {
            'cellCode': rng.choice(codes),
            'lr': rng.choice(LRS),
            'batchSize': rng.choice(BATCH_SIZES),
            'mode': rng.choice(MODES),
            'iepoch': rng.choice([None, 1, 3, 6, 11, 12]),
            'seed': rng.choice(SEEDS),
            'epoch': 12,
        }
        queries.append(query)
    for code in codes:
        queries.append({'cellCode': code, 'lr': 0.2, 'batchSize': 64, 'epoch': 200, 'mode': 'valid', 'iepoch': None, 'seed': None})
    for query in queries:
        accuracy, cost = official_query(
            bench12, cellinfo, avgaccs200, query['cellCode'], query['lr'], query['batchSize'],
            epoch=query['epoch'], mode=query['mode'], iepoch=query['iepoch'], seed=query['seed'])
        query['accuracy'] = accuracy
        query['cost'] = cost
    return queries


def values_dict():
    return {
        'none': None,
        'true': True,
        'false': False,
        'small': 7,
        'negative': -300000,
        'big': 2 ** 70,
        'negative_big': -(2 ** 65) - 1,
        'float': 0.1,
        'inf': float('inf'),
        'text': 'caf\u00e9 \u2713',
        'bytes': b'\x00\xffab',
        'tuple': (1, 'a', (2.5, None)),
        'list': [1, [2, 3], {'k': 'v'}],
        'set': {3},
        'frozenset': frozenset([4]),
        'int_keys': {1: 'one', (2, 0.5): 'pair'},
        'np_float64': np.float64(1.25),
        'np_float32': np.float32(0.5),
        'np_int64': np.int64(-42),
        'np_int32': np.int32(123456),
        'np_bool': np.bool_(True),
        'np_str': np.str_('h\u00e9llo'),
        'np_bytes': np.bytes_(b'xy'),
        'np_matrix': np.arange(6, dtype=np.float64).reshape(2, 3) / 4,
        'np_fortran': np.asfortranarray(np.arange(6, dtype=np.int32).reshape(2, 3)),
        'np_big_endian': np.array([1.5, -2.0], dtype='>f8'),
    }


def hostile_pickles():
    """Pickles that would run `echo` (harmless here, but a shell command) if Python loaded them."""

    class RunsShell:
        def __reduce__(self):
            return (os.system, ('echo nhb-pickle-fixture-would-run-this',))

    class RunsEval:
        def __reduce__(self):
            return (eval, ("__import__('os').system('echo nhb-pickle-fixture-would-run-this')",))

    return {
        # protocol 0, written by hand: GLOBAL os.system, argument tuple, REDUCE
        'hostile-os-system-p0.pkl': b"cos\nsystem\n(S'echo nhb-pickle-fixture-would-run-this'\ntR.",
        # protocol 4: STACK_GLOBAL posix.system through __reduce__, hidden inside a bench12-like dict
        'hostile-reduce-p4.pkl': pickle.dumps({'train_acc_0': {('h', 0.1, 256, 222): RunsShell()}}, protocol=4),
        # protocol 2: builtins.eval of a command string
        'hostile-eval-p2.pkl': pickle.dumps([1, 2, RunsEval()], protocol=2),
    }


def write_full(out, classes_path):
    """Full-size pickles: every class × 48 pairs × 3 seeds, numpy float64 accuracies (timing only)."""
    classes = [json.loads(line) for line in open(classes_path)]
    lrs = [0.003125, 0.00625, 0.0125, 0.025, 0.05, 0.1, 0.2, 0.4]
    batch_sizes = [16, 32, 64, 128, 256, 512]
    rng = np.random.default_rng(0)
    keys = [(cell_hash(c['representative']), lr, bs, seed)
            for c in classes for lr in lrs for bs in batch_sizes for seed in SEEDS]
    n = len(keys)
    bench12 = {}
    for mode in MODES:
        for e in range(EPOCHS):
            bench12[f'{mode}_acc_{e}'] = dict(zip(keys, map(np.float64, np.round(rng.uniform(10, 95, n), 3))))
            bench12[f'{mode}_loss_{e}'] = dict(zip(keys, np.round(rng.uniform(0.1, 2.3, n), 4).tolist()))
            bench12[f'{mode}_time_{e}'] = dict(zip(keys, np.round(rng.uniform(1, 60, n), 3).tolist()))
    train_total = np.round(rng.uniform(300, 600, n), 3)
    bench12['total_train_time'] = dict(zip(keys, train_total.tolist()))
    bench12['total_trainval_time'] = dict(zip(keys, np.round(train_total + rng.uniform(50, 100, n), 3).tolist()))
    bench12['total_test_time'] = dict(zip(keys, np.round(rng.uniform(20, 50, n), 3).tolist()))
    bench12['lr'] = {k: k[1] for k in keys}
    bench12['batch_size'] = {k: k[2] for k in keys}
    bench12['seed'] = {k: k[3] for k in keys}
    cellinfo = {'hash': {code: cell_hash(c['representative']) for c in classes for code in c['members']}}
    long_keys = [(cell_hash(c['representative']), lr, bs) for c in classes for lr in lrs for bs in batch_sizes]
    avgaccs200 = {'avg_acc': dict(zip(long_keys, map(np.float64, rng.uniform(80, 95, len(long_keys)))))}
    os.makedirs(out, exist_ok=True)
    for name, value in [('bench12.pkl', bench12), ('cellinfo.pkl', cellinfo), ('avgaccs200.pkl', avgaccs200)]:
        with open(os.path.join(out, name), 'wb') as f:
            pickle.dump(value, f, protocol=4)
    print(f'wrote full-size pickles ({n} runs) to {out}')


def write(name, data):
    with open(os.path.join(OUT, name), 'wb') as f:
        f.write(data)


def main():
    os.makedirs(OUT, exist_ok=True)
    bench12, cellinfo, avgaccs200 = make_benchmark()

    write('bench12.pkl', dump_numpy_one(bench12, 4))
    write('cellinfo.pkl', pickle.dumps(cellinfo, protocol=4))
    # protocol 2 with numpy 1.x names: GLOBAL lines are text, so the module can be renamed in place
    avg = pickle.dumps(avgaccs200, protocol=2).replace(b'cnumpy._core.multiarray\n', b'cnumpy.core.multiarray\n')
    write('avgaccs200.pkl', avg)
    # The benign fixtures are ours, so loading them back is safe: they must equal what was pickled.
    for name, value in [('bench12.pkl', bench12), ('cellinfo.pkl', cellinfo), ('avgaccs200.pkl', avgaccs200)]:
        with open(os.path.join(OUT, name), 'rb') as f:
            assert pickle.load(f).keys() == value.keys(), name

    with open(os.path.join(OUT, 'expected.json'), 'w') as f:
        json.dump({
            'note': 'answers computed by tools/make-pickle-fixtures/make_fixtures.py with the official API rules',
            'seeds': SEEDS,
            'queries': expected_answers(bench12, cellinfo, avgaccs200),
        }, f, indent=1)
        f.write('\n')

    values = values_dict()
    for protocol in range(0, 6):
        write(f'values-p{protocol}.pkl', pickle.dumps(values, protocol=protocol))

    for name, data in hostile_pickles().items():
        write(name, data)
    print(f'wrote fixtures to {OUT} (Python {sys.version.split()[0]}, numpy {np.__version__})')


if __name__ == '__main__':
    if '--full' in sys.argv:
        write_full(sys.argv[sys.argv.index('--full') + 1], sys.argv[sys.argv.index('--classes') + 1])
    else:
        main()
