#!/usr/bin/env bash
# Regenerates docs/plan.schema.json and plan-format.md's key reference from the key table
# (Sources/Capacity/PlanKeys.swift), with a built release binary.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.build/release/tokenplan
"$bin" plan --schema > docs/plan.schema.json
python3 - "$bin" <<'PY'
import re, subprocess, sys
keys = subprocess.run([sys.argv[1], 'plan', '--keys'], capture_output=True, text=True, check=True).stdout
path = 'docs/plan-format.md'
text = open(path).read()
text = re.sub(r'(<!-- plan-keys:start -->\n).*?(<!-- plan-keys:end -->)', lambda m: m.group(1) + keys + m.group(2), text, flags=re.S)
open(path, 'w').write(text)
PY
