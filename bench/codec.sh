#!/usr/bin/env bash
# Builds bench/target/benchmarks.jar and runs the wire-codec JMH benchmarks
# (org.carillon.bench.codec.CodecBenchmark), writing bench/results/codec.csv.
#
#   bench/codec.sh                 # 1 fork, warmup 3 x 1 s, measurement 5 x 1 s (~80 s)
#   FORKS=2 bench/codec.sh         # more forks
#   bench/codec.sh -p ...          # extra arguments go to JMH as they are
#
# Benchmarks never run as part of `mvn verify`; only this script runs them.
set -euo pipefail

cd "$(dirname "$0")/.."

FORKS="${FORKS:-1}"
WARMUP="${WARMUP:-3}"
ITERATIONS="${ITERATIONS:-5}"
OUT="bench/results/codec.csv"

./mvnw -q -B -pl bench -am -DskipTests package

mkdir -p "$(dirname "$OUT")"
java -jar bench/target/benchmarks.jar 'org\.carillon\.bench\.codec\.CodecBenchmark\.' \
    -f "$FORKS" -wi "$WARMUP" -w 1s -i "$ITERATIONS" -r 1s -tu ns -bm avgt \
    -rf csv -rff "$OUT" "$@"

echo "results: $OUT"
