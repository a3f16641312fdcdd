#!/bin/sh
# Commits the default benchmark's new part files every INTERVAL seconds (default 600), under the
# shared git lock, so a session that ends loses at most the runs in progress. Only the parts
# folder is staged and committed (`git commit -- <path>` leaves everyone else's changes alone).
#   nohup sh tools/default-benchmark/commit-loop.sh > /tmp/default-benchmark-commit.log 2>&1 &
# ONCE=1 commits once and exits; LOCK overrides the lock file (default /tmp/git.lock).
set -u
here=$(cd "$(dirname "$0")" && pwd)
cd "$(git -C "$here" rev-parse --show-toplevel)" || exit 2
parts=tools/default-benchmark/parts
interval=${INTERVAL:-600}
lock=${LOCK:-/tmp/git.lock}
while :; do
  if [ -d "$parts" ]; then
    flock "$lock" sh -c '
      parts=$1
      git add -- "$parts" || exit 1
      if git diff --cached --quiet -- "$parts"; then exit 0; fi
      n=$(git diff --cached --name-only --diff-filter=A -- "$parts" | grep -c "\.parquet$")
      total=$(git ls-files -- "$parts" | grep -c "\.parquet$")
      git commit -q -m "default benchmark: $n parts" -- "$parts" &&
        echo "$(date -u +%H:%M:%S) committed $n new parts ($total in all)"
    ' sh "$parts" || echo "$(date -u +%H:%M:%S) commit failed" >&2
  fi
  [ "${ONCE:-0}" = 1 ] && break
  sleep "$interval"
done
