#!/usr/bin/env bash
# Fuzzes every parser of quantcheck with Jazzer, SECONDS each (default 10), one JVM per target because Jazzer
# fuzzes one @FuzzTest per JVM; FUZZ_JOBS targets at a time (default: one per CPU). docs/FUZZING.md says more.
#
#   fuzz/run.sh            # CI: 10 s per target
#   fuzz/run.sh 120        # a longer run
#   fuzz/run.sh 60 CorporaFuzzTest#sts     # one target (any targets whose name contains the given text)
#
# Short runs (under 60 s, CI's) start fast: only quantcheck's classes are instrumented, and the JVM compiles with C1
# only, which halves the CPU that Jazzer's start-up takes (C2 would compile Jazzer's own classes first) and gives more
# inputs in the first seconds. From 60 s up, Jackson's and SnakeYAML's classes are instrumented too, so that the
# fuzzer learns the JSON and YAML grammars (that found the empty models.yaml entry, which our classes' coverage alone
# missed in 30 s), and C2 compiles: slower to start, faster after. FUZZ_INSTRUMENT overrides the instrumented classes.
#
# A finding fails the run: Jazzer writes the input to the target's inputs folder
# (src/test/resources/<package>/<TestClass>Inputs/<method>/crash-*), where every later `mvn test` replays it, and the
# target's log under target/fuzz/ has the stack trace. Set FUZZ_MAVEN_FLAGS=-o to build offline.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

seconds="${1:-10}"
shift || true
jobs="${FUZZ_JOBS:-$(nproc)}"
if (( seconds >= 60 )); then
  instrument="${FUZZ_INSTRUMENT:-dev.quantcheck.**:com.fasterxml.jackson.**:org.yaml.snakeyaml.**}"
  jit=()
else
  instrument="${FUZZ_INSTRUMENT:-dev.quantcheck.**}"
  jit=(-XX:TieredStopAtLevel=1)
fi
targets=(
  dev.quantcheck.fuzz.SafetensorsFuzzTest#safetensorsFile
  dev.quantcheck.fuzz.SafetensorsFuzzTest#shardIndex
  dev.quantcheck.onnx.OnnxModelReaderFuzzTest#onnxModel
  dev.quantcheck.fuzz.ModelConfigFuzzTest#floatModelConfig
  dev.quantcheck.fuzz.ModelConfigFuzzTest#quantizedModelConfig
  dev.quantcheck.fuzz.ModelsConfigFuzzTest#modelsYaml
  dev.quantcheck.junit.GoldenFileFuzzTest#golden
  dev.quantcheck.fuzz.CorporaFuzzTest#lines
  dev.quantcheck.fuzz.CorporaFuzzTest#tsvColumn
  dev.quantcheck.fuzz.CorporaFuzzTest#sts
)
if [[ $# -gt 0 ]]; then
  selected=()
  for t in "${targets[@]}"; do
    for wanted in "$@"; do
      [[ "$t" == *"$wanted"* ]] && selected+=("$t") && break
    done
  done
  targets=("${selected[@]}")
fi

# DJL's tokenizer library phones home unless told not to; nothing here opens a connection.
export OPT_OUT_TRACKING=true DJL_OFFLINE=true

mvn -B -q ${FUZZ_MAVEN_FLAGS:-} test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/fuzz/classpath.txt
classpath="target/test-classes:target/classes:$(cat target/fuzz/classpath.txt)"

fuzz_one() {
  local target="$1" log="target/fuzz/${1##*.}.log"
  local start=$SECONDS rc=0
  JAZZER_FUZZ=1 java -Xmx2g "${jit[@]}" -DOPT_OUT_TRACKING=true -Dai.djl.offline=true -Djazzer.instrumentation_includes="$instrument" \
      -cp "$classpath" dev.quantcheck.fuzz.FuzzLauncher "$target" "$seconds" >"$log" 2>&1 || rc=$?
  local runs
  runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
  printf '%-62s %s  %9s execs in %3d s  (%s)\n' "$target" "$([[ $rc == 0 ]] && echo ok || echo FAILED)" \
      "${runs:-?}" "$((SECONDS - start))" "$log"
  if (( rc != 0 )); then
    # CI's clone is deleted after the run: print the input (base64) and the failure here
    { grep -E '^(Base64:|artifact_prefix=)' "$log" || true; sed -n '/^Failures (/,/^$/p' "$log" | head -12; } >&2
  fi
  return "$rc"
}

echo "== fuzzing ${#targets[@]} targets for ${seconds} s each, ${jobs} at a time, instrumenting ${instrument}"
failed=0
running=0
for target in "${targets[@]}"; do
  if (( running >= jobs )); then
    wait -n || failed=1
    running=$((running - 1))
  fi
  fuzz_one "$target" &
  running=$((running + 1))
done
while (( running > 0 )); do
  wait -n || failed=1
  running=$((running - 1))
done

if (( failed )); then
  echo "== a target failed: see its log; the input that failed it is under src/test/resources/**/*Inputs/" >&2
  git status --short -- src/test/resources >&2 || true
  exit 1
fi
echo "== no findings"
