#!/usr/bin/env bash
# fuzz.sh -- run the libFuzzer targets of tests/fuzz (clang-14, ASan + UBSan).
#
#   scripts/fuzz.sh [--seconds N] [--runs R] [--jobs J] [--merge] [TARGET...]
#
# Builds the `fuzz` preset, then runs every target of tests/fuzz/targets.txt
# (or those named) for N seconds each (default 10), J at a time (default 2),
# starting from the committed corpus (tests/fuzz/corpus/<t>/), the crash reproducers
# (tests/fuzz/crashes/<t>/) and, for the XML parsers, the C tests' fixtures.
# New inputs go to build/fuzz/work/<t>/; a crash, leak, timeout or broken
# invariant is saved under build/fuzz/artifacts/<t>/ and fails the run.
# Then: copy it to tests/fuzz/crashes/<t>/, fix the core, commit both (the
# reproducer is replayed by ctest fuzz.replay.<t> in every build).
# --merge adds what the run found to the committed corpus, minimised
# (libFuzzer -merge=1), for a maintainer to commit.
# --runs R stops each target after R inputs with a fixed seed (-seed=1):
# the same inputs on every run, so CI fails only when the tree changed.
# scripts/test.sh runs that short version; longer runs are for people:
#   scripts/fuzz.sh --seconds 600
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

seconds=10 runs= jobs=2 merge=0 targets=()
while [ $# -gt 0 ]; do
	case "$1" in
	--seconds) seconds=$2; shift 2 ;;
	--runs) runs=$2; shift 2 ;;
	--jobs) jobs=$2; shift 2 ;;
	--merge) merge=1; shift ;;
	-h|--help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	-*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
	*) targets+=("$1"); shift ;;
	esac
done
if [ ${#targets[@]} -eq 0 ]; then
	mapfile -t targets < <(grep -E '^[a-z0-9_]+$' tests/fuzz/targets.txt)
fi

cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j"$jobs" >/dev/null
bin=build/fuzz/tests/fuzz
out=build/fuzz/runs
rm -rf "$out"
mkdir -p "$out"

run_one() {
	local t=$1 work=build/fuzz/work/$1 art=build/fuzz/artifacts/$1/
	local seeds=(tests/fuzz/corpus/"$t" tests/fuzz/crashes/"$t")
	[[ $t == xml_* ]] && seeds+=(tests/c/fixtures/xml)
	# -timeout: an input slower than 10 s is a finding (bounded time);
	# -rss_limit_mb: so is more than 1 GiB (bounded memory).
	local bound=(-max_total_time="$seconds")
	if [ -n "$runs" ]; then # the same inputs every time: from the committed seeds only
		bound=(-runs="$runs" -seed=1)
		rm -rf "$work"
	fi
	mkdir -p "$work" "$art"
	if "$bin/fuzz_$t" "${bound[@]}" -timeout=10 -rss_limit_mb=1024 \
		-print_final_stats=1 -artifact_prefix="$art" "$work" "${seeds[@]}" \
		>"$out/$t.log" 2>&1; then
		echo ok >"$out/$t.status"
	else
		echo FAILED >"$out/$t.status"
	fi
}

running=0
for t in "${targets[@]}"; do
	[ -x "$bin/fuzz_$t" ] || { echo "fuzz.sh: no target $t" >&2; exit 2; }
	run_one "$t" &
	running=$((running + 1))
	if [ "$running" -ge "$jobs" ]; then
		wait -n
		running=$((running - 1))
	fi
done
wait

failed=0 total=0
printf '%-30s %12s %10s %8s  %s\n' target executions exec/s corpus result
for t in "${targets[@]}"; do
	log=$out/$t.log
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
	corpus=$(ls build/fuzz/work/"$t" | wc -l)
	status=$(cat "$out/$t.status")
	printf '%-30s %12s %10s %8s  %s\n' "$t" "${execs:-?}" "${speed:-?}" "$corpus" "$status"
	total=$((total + ${execs:-0}))
	if [ "$status" != ok ]; then
		failed=$((failed + 1))
		grep -E 'ERROR|invariant broken|runtime error|SUMMARY|Test unit written' "$log" | head -8 | sed 's/^/    /'
	fi
done
echo "total executions: $total"
if [ "$merge" = 1 ]; then
	for t in "${targets[@]}"; do
		"$bin/fuzz_$t" -merge=1 tests/fuzz/corpus/"$t" build/fuzz/work/"$t" >"$out/$t.merge.log" 2>&1
		echo "merged $t: $(ls tests/fuzz/corpus/"$t" | wc -l) inputs in tests/fuzz/corpus/$t"
	done
fi
if [ "$failed" -gt 0 ]; then
	echo "fuzz.sh: $failed target(s) found a problem: logs in $out/, inputs in build/fuzz/artifacts/" >&2
	exit 1
fi
