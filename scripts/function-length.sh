#!/usr/bin/env bash
# function-length.sh -- fails when a C function of core/src or wasm/ is longer than
# 80 lines, from its signature to its closing brace (issue #10: a function reads in
# one screen). The sources are clang-formatted (scripts/format-c.sh), so a
# function's body opens with "{" and closes with "}" in column 0. JS functions get
# the same limit from Biome (biome.jsonc, noExcessiveLinesPerFunction).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
max=80
mapfile -t files < <(git ls-files -- 'core/src/*.c' 'wasm/*.c' ':!wasm/deps/*')
awk -v max="$max" '
	FNR == 1 { sig = 0 }
	# A line in column 0 that may begin a signature: not blank, a comment, a
	# preprocessor line, a brace or the tail of a declaration.
	/^[A-Za-z_]/ && !/;[[:space:]]*$/ { if (!sig) { sig = FNR; name = $0 } }
	/^$/ || /^[#\/ ]/ || /^\*/ || /;[[:space:]]*$/ { if (!open) sig = 0 }
	/^\{/ { open = 1 }
	/^\}/ && open {
		n = FNR - sig + 1
		if (sig && n > max) { printf "%s:%d: %d lines (at most %d): %s\n", FILENAME, sig, n, max, name; bad = 1 }
		open = 0; sig = 0
	}
	END { exit bad }
' "${files[@]}" || { echo "function-length: split the functions above" >&2; exit 1; }
echo "function-length: no C function of ${#files[@]} files is longer than $max lines"
