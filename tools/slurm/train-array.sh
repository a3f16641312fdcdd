#!/bin/bash
# Example: the lite protocol's full 12-epoch sweep (1,011 classes × 48 lr/batch pairs × 3 seeds =
# 145,584 runs) as a Slurm array job of 1,000 tasks. Each task trains its deterministic slice
# (task i takes every 1,000th run from i) and writes one Parquet part file per finished run into
# the shared results folder; a resubmitted or requeued task skips the runs already there.
#
#   sbatch tools/slurm/train-array.sh
#   # afterwards: nhb dataset merge results/lite results-lite.parquet
#
# Adjust partition, time and the CIFAR-10 path to your cluster. For GPUs, install the optional
# CUDA backend once in the environment (pnpm add @tensorflow/tfjs-node-gpu in packages/trainer)
# and request a GPU with --gres=gpu:1; --backend auto then picks it and says so in the log.
#SBATCH --job-name=nhb-lite
#SBATCH --array=0-999%200
#SBATCH --cpus-per-task=2
#SBATCH --mem=4G
#SBATCH --time=24:00:00
#SBATCH --output=logs/nhb-lite-%A_%a.out
#SBATCH --requeue

set -euo pipefail
cd "${SLURM_SUBMIT_DIR}"

# Slurm exports SLURM_ARRAY_TASK_ID, _MIN and _MAX, from which nhb train takes its shard.
node apps/cli/dist/bin.js train \
  --protocol lite \
  --cells unique \
  --seeds 222,555,888 \
  --data "${NHB_CACHE:-$HOME/.cache/nashpobench2}/cifar-10-binary.tar.gz" \
  --backend auto \
  --parallel "${SLURM_CPUS_PER_TASK:-1}" \
  --out results/lite \
  --json
