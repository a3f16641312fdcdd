"""PyTorch training and evaluation steps of the reference network, timed in process CPU time.

The reference script (shared/tools/torch-reference/bench_nb201.py) times wall-clock seconds,
which on a loaded machine measure the load. This runs its own network, data and step
(`bench_one`) with `time.perf_counter` replaced by `time.process_time`, on the given number of
threads (1: what a step costs on one core), and prints one JSON line per setting.

usage: /usr/bin/python3 torch-cpu.py REFERENCE_DIR SETTINGS CELLS THREADS
"""
import json
import sys
import time

sys.path.insert(0, sys.argv[1])
import bench_nb201  # noqa: E402
import torch  # noqa: E402

settings, cells, threads = sys.argv[2].split(","), sys.argv[3].split(","), int(sys.argv[4])
torch.set_num_threads(threads)
time.perf_counter = time.process_time
for setting in settings:
    spec = bench_nb201.SETTINGS[setting]
    for cell in cells:
        for batch in spec["batches"]:
            r = bench_nb201.bench_one(cell, spec["H"], spec["C"], spec["N"], batch, 3,
                                      spec["steps"], spec["eval_steps"])
            print(json.dumps(dict(setting=setting, cell=cell, batch=batch,
                                  train_cpu_ms=1000 * r["train_med_s"],
                                  eval_cpu_ms=1000 * r["eval_med_s"])), flush=True)
