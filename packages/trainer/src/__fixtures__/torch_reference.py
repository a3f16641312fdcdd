"""PyTorch reference values for network.test / torch-reference.test (run with /usr/bin/python3).

Builds the paper's network (SPEC section 3) for a cell (argument; default '0|12|201') at a small shape (stem 4
channels, 1 cell per stage, 8-px input) from PyTorch's own functional ops (conv2d with symmetric
padding, batch_norm in training mode with momentum 0.1 and eps 1e-5, avg_pool2d with
count_include_pad=True, linear) with parameters set by a formula, and trains it two steps with
torch.optim.SGD(lr=0.1, momentum=0.9, nesterov=True, weight_decay=5e-4) on mean cross-entropy.
Writes JSON to stdout: logits, losses, every batch norm's running statistics and every
parameter after the two steps (PyTorch layouts: conv [out, in, kh, kw], linear [out, in]).

    /usr/bin/python3 torch_reference.py > torch-reference.json
    /usr/bin/python3 torch_reference.py '0|00|000' > torch-reference-0-00-000.json
"""
import json
import math
import sys

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
CELL = sys.argv[1] if len(sys.argv) > 1 else '0|12|201'
EDGES = [(0, 1), (0, 2), (1, 2), (0, 3), (1, 3), (2, 3)]
STEM, CELLS, SIZE, CLASSES = 4, 1, 8, 10
ops = [int(d) for d in CELL.replace('|', '')]

names, shapes = [], []


def param(name, shape):
    names.append(name)
    shapes.append(shape)


def conv(name, cin, cout, k, bias):
    param(f'{name}.weight', [cout, cin, k, k])
    if bias:
        param(f'{name}.bias', [cout])


def bn(name, c):
    param(f'{name}.weight', [c])
    param(f'{name}.bias', [c])


conv('stem.conv', 3, STEM, 3, True)
bn('stem.bn', STEM)
channels = STEM
for stage in range(3):
    if stage > 0:
        out = 2 * channels
        conv(f'stage{stage}.reduction.conv_a', channels, out, 3, True)
        bn(f'stage{stage}.reduction.bn_a', out)
        conv(f'stage{stage}.reduction.conv_b', out, out, 3, True)
        bn(f'stage{stage}.reduction.bn_b', out)
        conv(f'stage{stage}.reduction.shortcut', channels, out, 1, True)
        channels = out
    for cell in range(CELLS):
        for edge, op in enumerate(ops):
            if op == 0:
                conv(f'stage{stage}.cell{cell}.edge{edge}.conv', channels, channels, 3, False)
                bn(f'stage{stage}.cell{cell}.edge{edge}.bn', channels)
bn('head.bn', channels)
param('head.linear.weight', [CLASSES, channels])
param('head.linear.bias', [CLASSES])


def formula(p, count):
    return [0.3 * math.sin(1.3 * i + 0.7 * p + 0.1) for i in range(count)]


params = {}
for p, (name, shape) in enumerate(zip(names, shapes)):
    count = math.prod(shape)
    params[name] = torch.tensor(formula(p, count)).reshape(shape).requires_grad_(True)

running = {}


def batch_norm(name, x):
    c = x.shape[1]
    if name not in running:
        running[name] = (torch.zeros(c), torch.ones(c))
    mean, var = running[name]
    return F.batch_norm(x, mean, var, params[f'{name}.weight'], params[f'{name}.bias'],
                        training=True, momentum=0.1, eps=1e-5)


def relu_conv_bn(prefix, x, stride):
    y = F.conv2d(F.relu(x), params[f'{prefix}.conv.weight'], None, stride, 1)
    return batch_norm(f'{prefix}.bn', y)


def forward(x):
    x = F.conv2d(x, params['stem.conv.weight'], params['stem.conv.bias'], 1, 1)
    x = batch_norm('stem.bn', x)
    for stage in range(3):
        if stage > 0:
            r = f'stage{stage}.reduction'
            a = F.conv2d(F.relu(x), params[f'{r}.conv_a.weight'], params[f'{r}.conv_a.bias'], 2, 1)
            a = batch_norm(f'{r}.bn_a', a)
            b = F.conv2d(F.relu(a), params[f'{r}.conv_b.weight'], params[f'{r}.conv_b.bias'], 1, 1)
            b = batch_norm(f'{r}.bn_b', b)
            s = F.conv2d(F.avg_pool2d(x, 2, 2), params[f'{r}.shortcut.weight'], params[f'{r}.shortcut.bias'])
            x = b + s
        for cell in range(CELLS):
            nodes = [x, None, None, None]
            for edge, (i, j) in enumerate(EDGES):
                op = ops[edge]
                src = nodes[i] if nodes[i] is not None else torch.zeros_like(x)
                if op == 0:
                    out = relu_conv_bn(f'stage{stage}.cell{cell}.edge{edge}', src, 1)
                elif op == 1:
                    out = F.avg_pool2d(src, 3, 1, 1, count_include_pad=True)
                elif op == 2:
                    out = src
                else:
                    out = src * 0.0
                nodes[j] = out if nodes[j] is None else nodes[j] + out
            x = nodes[3]
    x = F.relu(batch_norm('head.bn', x))
    x = x.mean(dim=(2, 3))
    return F.linear(x, params['head.linear.weight'], params['head.linear.bias'])


count = 4 * 3 * SIZE * SIZE
images = torch.tensor([math.sin(0.11 * i) for i in range(count)]).reshape(4, 3, SIZE, SIZE)
labels = torch.tensor([1, 3, 5, 7])
optimizer = torch.optim.SGD(list(params.values()), lr=0.1, momentum=0.9, nesterov=True,
                            weight_decay=5e-4)
result = {'cell': CELL, 'names': names, 'shapes': shapes, 'labels': labels.tolist()}
losses, logits_train = [], []
for step in range(2):
    optimizer.zero_grad()
    logits = forward(images)
    loss = F.cross_entropy(logits, labels)
    loss.backward()
    optimizer.step()
    losses.append(loss.item())
    logits_train.append(logits.detach().flatten().tolist())
result['losses'] = losses
result['logitsTrain'] = logits_train
result['stemRunningMean'] = running['stem.bn'][0].tolist()
result['stemRunningVar'] = running['stem.bn'][1].tolist()
result['runningStatistics'] = {name: [m.tolist(), v.tolist()] for name, (m, v) in running.items()}
result['paramsAfter'] = {name: params[name].detach().flatten().tolist() for name in names}


def rounded(value):
    if isinstance(value, float):
        return float(f'{value:.9g}')
    if isinstance(value, list):
        return [rounded(v) for v in value]
    if isinstance(value, dict):
        return {k: rounded(v) for k, v in value.items()}
    return value


print(json.dumps(rounded(result), separators=(',', ':')))
