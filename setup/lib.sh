# shellcheck shell=bash
# Shared helpers for setup/demo.sh, setup/test.sh, setup/lint.sh and .ci/run.
# Source it; do not run it. It sets `set -euo pipefail` for the caller.
#
# Environment honoured:
#   ODOO_PATH    Odoo 18.0 source tree, used when `import odoo` fails
#                (or to choose that tree over an importable one)
#   UB_DB_USER   PostgreSQL role Odoo connects as (default: odoo; never postgres)
#   PGHOST       PostgreSQL host (default: 127.0.0.1)
#   PGPORT       PostgreSQL port (default: 5432)
#   UB_PG_SUPERUSER  role used to create UB_DB_USER (default: postgres)

set -euo pipefail

UB_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
UB_ADDONS="utility_billing,utility_billing_payments,utility_billing_reports"
# Odoo modules installed beside ours in the test and demo databases only, never
# a dependency of our addons: payment_demo is Odoo's demo payment provider, with
# which the portal's online payment is tested (tour) and tried in the demo.
# shellcheck disable=SC2034 # used by test.sh, dev_test.sh and demo.sh
UB_EXTRA_ADDONS="payment_demo"
# Languages for --load-language. en_US must come first: on a new database
# base's res.lang.install_lang() activates the FIRST language and makes it the
# default; with es_MX first it takes url_code "es", and base's own
# res_lang_data.xml then fails assigning "es" to es_419
# (UniqueViolation res_lang_url_code_uniq).
# shellcheck disable=SC2034 # used by demo.sh and test.sh
UB_LANGS="en_US,es_MX"
UB_DB_USER="${UB_DB_USER:-odoo}"
UB_PG_SUPERUSER="${UB_PG_SUPERUSER:-postgres}"
PGHOST="${PGHOST:-127.0.0.1}"
PGPORT="${PGPORT:-5432}"
export PGHOST PGPORT
export DEBIAN_FRONTEND=noninteractive

ub_die() {
    echo "ERROR: $*" >&2
    exit 1
}

ub_info() {
    echo "==> $*"
}

ub_warn() {
    echo "WARNING: $*" >&2
}

# --- Odoo -------------------------------------------------------------------

# Sets UB_ODOO_ROOT, UB_ODOO_VERSION, UB_ODOO_CMD (array) and UB_ADDONS_PATH.
ub_find_odoo() {
    if [[ -n "${ODOO_PATH:-}" ]]; then
        [[ -f "$ODOO_PATH/odoo/__init__.py" ]] ||
            ub_die "ODOO_PATH=$ODOO_PATH is not an Odoo source tree (no odoo/__init__.py)."
        ODOO_PATH="$(cd "$ODOO_PATH" && pwd)"
        export PYTHONPATH="$ODOO_PATH${PYTHONPATH:+:$PYTHONPATH}"
    fi
    local out err
    err="$(mktemp)"
    if ! out="$(python3 -c 'import os, odoo
print(os.path.dirname(os.path.dirname(os.path.abspath(odoo.__file__))))
print(".".join(map(str, odoo.release.version_info[:2])))' 2>"$err")"; then
        tail -n 5 "$err" >&2
        rm -f "$err"
        if [[ -n "${ODOO_PATH:-}" ]]; then
            ub_die "Odoo at ODOO_PATH=$ODOO_PATH cannot be imported by python3 (see above);" \
                "install its Python requirements:" \
                "python3 -m pip install -r $ODOO_PATH/requirements.txt"
        fi
        ub_die "Odoo 18.0 not found: 'python3 -c \"import odoo\"' fails and ODOO_PATH is" \
            "not set. Install Odoo 18.0 Community for python3, or set ODOO_PATH to its" \
            "source tree."
    fi
    rm -f "$err"
    UB_ODOO_ROOT="$(sed -n 1p <<<"$out")"
    UB_ODOO_VERSION="$(sed -n 2p <<<"$out")"
    [[ "$UB_ODOO_VERSION" == "18.0" ]] ||
        ub_die "Odoo at $UB_ODOO_ROOT is version $UB_ODOO_VERSION; these addons need 18.0."
    if [[ -f "$UB_ODOO_ROOT/odoo-bin" ]]; then
        UB_ODOO_CMD=(python3 "$UB_ODOO_ROOT/odoo-bin")
    else
        UB_ODOO_CMD=(python3 -m odoo)
    fi
    UB_ADDONS_PATH=""
    local d
    for d in "$UB_ODOO_ROOT/addons" "$UB_ODOO_ROOT/odoo/addons"; do
        if [[ -d "$d" ]]; then
            UB_ADDONS_PATH="${UB_ADDONS_PATH:+$UB_ADDONS_PATH,}$d"
        fi
    done
    UB_ADDONS_PATH="${UB_ADDONS_PATH:+$UB_ADDONS_PATH,}$UB_ROOT"
}

# Odoo with our addons path and database connection options; extra args follow.
ub_odoo() {
    "${UB_ODOO_CMD[@]}" --addons-path="$UB_ADDONS_PATH" \
        --db_host="$PGHOST" --db_port="$PGPORT" --db_user="$UB_DB_USER" "$@"
}

# --- System and Python packages ---------------------------------------------

ub_have_chrome() {
    local c
    for c in chromium chromium-browser google-chrome google-chrome-stable; do
        command -v "$c" >/dev/null 2>&1 && return 0
    done
    return 1
}

ub_ensure_system_packages() {
    local missing=()
    ub_have_chrome || missing+=(chromium)
    command -v wkhtmltopdf >/dev/null 2>&1 || missing+=(wkhtmltopdf)
    local c
    for c in psql createdb dropdb pg_isready; do
        if ! command -v "$c" >/dev/null 2>&1; then
            missing+=(postgresql-client)
            break
        fi
    done
    dpkg -s fonts-dejavu-core >/dev/null 2>&1 || missing+=(fonts-dejavu-core)
    ((${#missing[@]} == 0)) && return 0

    command -v apt-get >/dev/null 2>&1 ||
        ub_die "missing system packages (${missing[*]}) and no apt-get to install them."
    local sudo=()
    if [[ "$(id -u)" != 0 ]]; then
        command -v sudo >/dev/null 2>&1 ||
            ub_die "missing system packages (${missing[*]}); run as root or install them."
        sudo=(sudo)
    fi
    ub_info "installing Debian packages: ${missing[*]}"
    local log
    log="$(mktemp)"
    if ! { "${sudo[@]}" apt-get update -qq &&
        "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"; } \
        >"$log" 2>&1; then
        tail -n 30 "$log" >&2
        rm -f "$log"
        ub_die "apt-get install ${missing[*]} failed."
    fi
    rm -f "$log"
}

# Installs setup/requirements.txt with pip unless every requirement is already met.
ub_ensure_python_packages() {
    local req="$UB_ROOT/setup/requirements.txt"
    if python3 - "$req" >/dev/null 2>&1 <<'EOF'; then
import sys
from importlib.metadata import PackageNotFoundError, version

from packaging.requirements import Requirement

for line in open(sys.argv[1]):
    line = line.split("#", 1)[0].strip()
    if not line:
        continue
    req = Requirement(line)
    if req.marker and not req.marker.evaluate():
        continue
    try:
        installed = version(req.name)
    except PackageNotFoundError:
        sys.exit(1)
    if req.specifier and not req.specifier.contains(installed, prereleases=True):
        sys.exit(1)
EOF
        return 0
    fi
    ub_info "installing Python packages from setup/requirements.txt"
    local log
    log="$(mktemp)"
    if ! python3 -m pip install -q -r "$req" >"$log" 2>&1; then
        tail -n 30 "$log" >&2
        rm -f "$log"
        ub_die "python3 -m pip install -r setup/requirements.txt failed."
    fi
    rm -f "$log"
}

# --- PostgreSQL -------------------------------------------------------------

ub_pg_local() {
    [[ "$PGHOST" == "127.0.0.1" || "$PGHOST" == "localhost" || "$PGHOST" == "::1" ||
        "$PGHOST" == /* ]]
}

ub_ensure_postgres() {
    if ! pg_isready -q -h "$PGHOST" -p "$PGPORT"; then
        if ub_pg_local && [[ -d /etc/postgresql ]] && command -v pg_ctlcluster >/dev/null 2>&1; then
            # Start the local Debian cluster(s) configured for PGPORT.
            local conf v name port started=0
            for conf in /etc/postgresql/*/*/postgresql.conf; do
                [[ -f "$conf" ]] || continue
                v="$(basename "$(dirname "$(dirname "$conf")")")"
                name="$(basename "$(dirname "$conf")")"
                port="$(sed -nE 's/^[[:space:]]*port[[:space:]]*=[[:space:]]*([0-9]+).*/\1/p' "$conf" | tail -n 1)"
                [[ "${port:-5432}" == "$PGPORT" ]] || continue
                ub_info "starting PostgreSQL cluster $v/$name"
                pg_ctlcluster --skip-systemctl-redirect "$v" "$name" start >/dev/null 2>&1 &&
                    started=1
            done
            if ((started)); then
                local _
                for _ in $(seq 1 30); do
                    pg_isready -q -h "$PGHOST" -p "$PGPORT" && break
                    sleep 1
                done
            fi
        fi
        pg_isready -q -h "$PGHOST" -p "$PGPORT" ||
            ub_die "PostgreSQL is not reachable at $PGHOST:$PGPORT and no local cluster" \
                "could be started. Start PostgreSQL 13+ or set PGHOST/PGPORT."
    fi
    ub_ensure_db_role
}

ub_ensure_db_role() {
    [[ "$UB_DB_USER" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] ||
        ub_die "UB_DB_USER='$UB_DB_USER' is not a plain role name."
    [[ "$UB_DB_USER" != postgres ]] ||
        ub_die "UB_DB_USER must not be 'postgres': Odoo refuses to run as that role."
    local su=(psql -X -q -v ON_ERROR_STOP=1 -h "$PGHOST" -p "$PGPORT" -U "$UB_PG_SUPERUSER" -d postgres)
    local state
    if state="$("${su[@]}" -tAc \
        "SELECT rolcanlogin AND rolcreatedb FROM pg_roles WHERE rolname = '$UB_DB_USER'" 2>/dev/null)"; then
        case "$state" in
        t) ;;
        f) "${su[@]}" -c "ALTER ROLE \"$UB_DB_USER\" LOGIN CREATEDB" >/dev/null ||
            ub_die "could not ALTER ROLE $UB_DB_USER LOGIN CREATEDB as $UB_PG_SUPERUSER." ;;
        *) ub_info "creating PostgreSQL role $UB_DB_USER"
            "${su[@]}" -c "CREATE ROLE \"$UB_DB_USER\" LOGIN CREATEDB" >/dev/null ||
            ub_die "could not CREATE ROLE $UB_DB_USER as $UB_PG_SUPERUSER." ;;
        esac
    fi
    # Whether or not the superuser was usable, the role itself must work.
    local ok
    ok="$(ub_psql -tAc "SELECT rolcreatedb FROM pg_roles WHERE rolname = current_user" 2>/dev/null)" ||
        ub_die "cannot connect to PostgreSQL at $PGHOST:$PGPORT as role '$UB_DB_USER'" \
            "(and could not create it as '$UB_PG_SUPERUSER'). Create it with LOGIN CREATEDB."
    [[ "$ok" == t ]] || ub_die "PostgreSQL role '$UB_DB_USER' lacks CREATEDB."
}

# psql as the Odoo role on the maintenance database.
ub_psql() {
    psql -X -q -v ON_ERROR_STOP=1 -h "$PGHOST" -p "$PGPORT" -U "$UB_DB_USER" -d postgres "$@"
}

ub_check_db_name() {
    [[ "$1" =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]*$ ]] ||
        ub_die "database name '$1' must use only letters, digits, '_', '.' and '-'."
}

ub_db_exists() {
    [[ "$(ub_psql -tAc "SELECT 1 FROM pg_database WHERE datname = '$1'")" == 1 ]]
}

# Names of our addons installed in database $1, one a line (none if not an Odoo db).
ub_installed_addons() {
    local list
    list="$(printf "'%s'," ${UB_ADDONS//,/ })"
    list="${list%,}"
    psql -X -q -h "$PGHOST" -p "$PGPORT" -U "$UB_DB_USER" -d "$1" -tA -c \
        "SELECT name FROM ir_module_module WHERE name IN ($list) AND state = 'installed'
         ORDER BY name" 2>/dev/null || true
}

# Drops database $1 and its filestore, if present.
ub_drop_db() {
    local db="$1" filestore
    if ub_db_exists "$db"; then
        dropdb -h "$PGHOST" -p "$PGPORT" -U "$UB_DB_USER" --force "$db" ||
            ub_die "could not drop database $db (is it owned by $UB_DB_USER?)."
    fi
    filestore="$(python3 -c 'import sys; from odoo.tools import config
print(config.filestore(sys.argv[1]))' "$db")"
    rm -rf -- "$filestore"
}

# Everything the scripts need before talking to Odoo.
ub_prepare() {
    ub_find_odoo
    ub_ensure_system_packages
    ub_ensure_python_packages
    ub_ensure_postgres
}
