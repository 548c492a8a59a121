#!/usr/bin/env bash
# format-c.sh -- format the project's C sources with clang-format 14 and the
# repository's .clang-format; --check changes nothing and fails on any file
# that is not formatted (scripts/test.sh runs that).
# wasm/deps/mxml-* are left out: they are inputs of the content-stamped
# wasm dependency build (scripts/wasm-deps.sh), not the project's code.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
fmt=$(command -v clang-format-14 || command -v clang-format || true)
[ -n "$fmt" ] || { echo "format-c: clang-format is missing (scripts/install-deps.sh)" >&2; exit 1; }
"$fmt" --version | grep -q ' 14\.' || echo "format-c: $("$fmt" --version) is not 14: results may differ from CI" >&2
mapfile -t files < <(git ls-files -- 'core/*.[ch]' 'wasm/*.[ch]' 'tests/c/*.[ch]' 'tests/fuzz/*.[ch]' \
	'bench/native/*.[ch]' 'examples/c/*.[ch]' ':!wasm/deps/mxml-*')
if [ "${1:-}" = --check ]; then
	if ! out=$("$fmt" --dry-run --Werror "${files[@]}" 2>&1); then
		printf '%s\n' "$out" | grep -E '^[^ ].*: error:' | cut -d: -f1 | sort -u | sed 's/^/not formatted: /' >&2
		echo "format-c: run scripts/format-c.sh to format them" >&2
		exit 1
	fi
	echo "format-c: ${#files[@]} files formatted"
else
	"$fmt" -i "${files[@]}"
fi
