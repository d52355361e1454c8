#!/usr/bin/env bash
# Builds and runs the JMH benchmarks (MiniLM forward passes, quantcheck vs ONNX Runtime) on one JDK and writes
# benchmarks/results/: jmh-<jdk>-round<N>.json (raw JMH), jmh-<jdk>-round<N>.txt (JMH's log), env-<jdk>.txt (JVM, CPU, load
# average before and after), memory-<jdk>.md, agreement.md and
# summary.md (medians of every JDK run so far). See docs/PERFORMANCE.md.
#
#   benchmarks/run.sh [jdk17|jdk25|JAVA_HOME-DIR] [JMH options...]
#
#   benchmarks/run.sh jdk25         # the full run: 3 rounds x 10 (engine, shape) pairs, about 10 minutes on 2 cores
#   QC_BENCH_ROUNDS=1 benchmarks/run.sh jdk17 -wi 1 -i 1 -p shape=8x128 -p engine=quantcheck-q8   # a smoke run
#
# Without a first argument: $JAVA_HOME, else java on the PATH. JDK17_HOME / JDK25_HOME override the defaults.
# QC_MVN_FLAGS are added to every mvn call (e.g. -o once the dependencies are in the local repository);
# QC_BENCH_ROUNDS (default 3) rounds of one JMH fork each; QC_BENCH_RESULTS another results folder;
# QC_SKIP_INSTALL=1 skips installing quantcheck itself; QC_SKIP_REPORTS=1 skips the memory and agreement tables.
# Maven runs under flock on $QC_MVN_LOCK (default /tmp/quantcheck-mvn.lock) where flock exists; the run uses a
# private copy of the quantcheck jar (benchmarks/target/quantcheck-under-test.jar).
set -euo pipefail

bench="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$bench")"
results="${QC_BENCH_RESULTS:-$bench/results}"

java_home="${JAVA_HOME:-}"
if [[ $# -gt 0 && "$1" != -* ]]; then
  case "$1" in
    jdk17) java_home="${JDK17_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}" ;;
    jdk25) java_home="${JDK25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}" ;;
    *) java_home="$1" ;;
  esac
  shift
fi
java="java"
[[ -n "$java_home" ]] && java="$java_home/bin/java"
major="$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
label="jdk$major"

# Everything Maven does happens under one lock, and the quantcheck jar is copied out of the local repository
# before the lock is released: other builds (mvn verify's invoker:install among them) overwrite the SNAPSHOT there,
# and a jar replaced under a running fork breaks it. The benchmarks run on that private copy.
locked=0
if command -v flock >/dev/null; then
  exec 9>"${QC_MVN_LOCK:-/tmp/quantcheck-mvn.lock}"
  flock 9
  locked=1
fi
# Maven runs on its own JDK; the classes are --release 17 and run on any JDK from 17.
if [[ "${QC_SKIP_INSTALL:-0}" != 1 ]]; then
  echo "run.sh: installing quantcheck (mvn install, tests skipped)" >&2
  (cd "$root" && mvn -q -B ${QC_MVN_FLAGS:-} install -DskipTests -Dmaven.test.skip=true)
fi
echo "run.sh: building the benchmarks" >&2
(cd "$bench" && mvn -q -B ${QC_MVN_FLAGS:-} package)
installed="$(tr ':' '\n' < "$bench/target/runtime-classpath.txt" | grep '/dev/quantcheck/quantcheck/')"
under_test="$bench/target/quantcheck-under-test.jar"
cp "$installed" "$under_test"
if [[ $locked == 1 ]]; then flock -u 9; exec 9>&-; fi

export OPT_OUT_TRACKING=true DJL_OFFLINE=true
cp="$bench/target/classes:$(tr ':' '\n' < "$bench/target/runtime-classpath.txt" \
  | sed "s#^$installed\$#$under_test#" | paste -sd:)"
jvm=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED
     -DOPT_OUT_TRACKING=true -Dai.djl.offline=true -Dquantcheck.home="$root" -cp "$cp")
mkdir -p "$results"
cd "$root"

"$java" "${jvm[@]}" dev.quantcheck.bench.EngineReport prepare

# Rounds of one fork per engine and shape rather than 3 forks in a row: each pair is measured at 3 moments some
# minutes apart, so a burst of other work on this shared machine hits one round of a pair, not all of it.
rounds="${QC_BENCH_ROUNDS:-3}"
rm -f "$results"/jmh-"$label"-round*.json
{
  echo "JMH run on $label: $("$java" -version 2>&1 | sed -n 2p)"
  echo "quantcheck: commit $(git -C "$root" describe --always --dirty 2>/dev/null || echo "?"), $(git -C "$root" status --porcelain -- src/main 2>/dev/null | wc -l) files under src/main differ from it; jar sha256 $(sha256sum "$under_test" | cut -c1-16)"
  echo "CPU: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(nproc) cores; $rounds rounds of -f 1 ${*:-}"
  echo "Load average at the start (1, 5, 15 min): $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)"
} > "$results/env-$label.txt"
for round in $(seq 1 "$rounds"); do
  echo "run.sh: JMH round $round/$rounds on $("$java" -version 2>&1 | head -1) -> $results/jmh-$label-round$round.json" >&2
  "$java" "${jvm[@]}" org.openjdk.jmh.Main MiniLmForwardBenchmark -f 1 \
    -rf json -rff "$results/jmh-$label-round$round.json" -o "$results/jmh-$label-round$round.txt" "$@"
  echo "Load average after round $round: $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)" >> "$results/env-$label.txt"
done

if [[ "${QC_SKIP_REPORTS:-0}" != 1 ]]; then
  {
    echo "Growth from loading the engine and 3 forward passes of 8 x 128 tokens ($label, -Xmx512m, G1; ONNX Runtime loads the file by path)."
    echo
    echo "| engine | weights MB (self-reported) | Java heap MB after GC | RSS MB |"
    echo "|---|---:|---:|---:|"
    for engine in quantcheck-fp32 quantcheck-q8 quantcheck-q4 onnxruntime-fp32 onnxruntime-int8; do
      "$java" -Xmx512m "${jvm[@]}" dev.quantcheck.bench.EngineReport memory "$engine" 2>/dev/null
    done
  } > "$results/memory-$label.md"
  {
    echo "Smallest cosine over the 8 texts of mean-pooled last_hidden_state vs ONNX Runtime fp32, same 8 x 128 ids ($label)."
    echo
    echo "| engine | min cosine |"
    echo "|---|---:|"
    "$java" "${jvm[@]}" dev.quantcheck.bench.EngineReport agreement 2>/dev/null
  } > "$results/agreement.md"
fi

shopt -s nullglob
"$java" -cp "$cp" dev.quantcheck.bench.Summary "$results"/jmh-jdk*-round*.json > "$results/summary.md"
cat "$results/summary.md"
