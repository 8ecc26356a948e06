#!/usr/bin/env bash
# Lint the repository: ruff (lint + format check, .ruff.toml) and pylint with
# pylint-odoo (.pylintrc-mandatory) on the addons, and README.rst built from
# readme/ (setup/gen_readme.py --check). Looks only inside the repo.
# Usage: bash setup/lint.sh     (setup/test.sh runs it before pytest)
# shellcheck source=setup/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [[ "${UB_LINT_SKIP_PREPARE:-0}" != 1 ]]; then
    ub_find_odoo # pylint-odoo and astroid resolve `odoo` imports
    ub_ensure_python_packages
fi
cd "$UB_ROOT" || exit 1

addons=()
for a in ${UB_ADDONS//,/ }; do
    [[ -f "$a/__manifest__.py" ]] && addons+=("$a")
done

rc=0
# --no-fix: .ruff.toml sets fix = true for local use; lint must not edit files.
ruff=(python3 -m ruff)
"${ruff[@]}" check --no-fix --quiet --output-format=concise --config .ruff.toml . || rc=1
"${ruff[@]}" format --check --quiet --output-format=concise --config .ruff.toml . || {
    echo "ruff format: the files above need formatting (run: ruff format .)" >&2
    rc=1
}
if ((${#addons[@]})); then
    fmt=text
    [[ -t 1 ]] && fmt=colorized
    python3 -m pylint --rcfile=.pylintrc-mandatory --output-format="$fmt" \
        "${addons[@]}" || rc=1
fi
# Each addon's README.rst is built from its readme/ fragments.
python3 setup/gen_readme.py --check || rc=1
if ((rc)); then
    echo "ERROR: lint failed (see above)." >&2
    exit 1
fi
ub_info "lint: ok (ruff check, ruff format, pylint-odoo on ${addons[*]:-no addons}, README.rst up to date)"
