#!/usr/bin/env bash
#  test_units.sh [BUILD_DIR] — the operations files: the systemd units in
#  launch/systemd/ (systemd-analyze verify against the built programs, the
#  hardening every unit must keep, one unit per stage, restart lines that are
#  the restart policy of launch/lib/policy.sh), the Airflow DAG in
#  launch/airflow/ (compiles; its helpers and DAG definitions run against a
#  stand-in for Airflow) and the Athena DDL in config/athena/ (its columns are
#  the writer's header). Prints "ok   ..." / "FAIL ..." lines and ends with
#  "N passed, N failed"; exits 1 when any failed.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${1:-${BUILD:-$ROOT/build}}
UNITS=$ROOT/launch/systemd
DAG=$ROOT/launch/airflow/eod_dag.py
PY=${PYTHON:-python3}
passed=0 failed=0
TMP=$(mktemp -d /tmp/eod-ops.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

ok() { printf 'ok   %s\n' "$*"; passed=$((passed + 1)); }
fail() { printf 'FAIL %s\n' "$*"; failed=$((failed + 1)); }
skip() { printf 'skip %s\n' "$*"; }

#  The pipeline's stages, each a service; tools (eod-tap, eod-status, the
#  simulators, the injectors) live under tools/. A new directory under
#  stages/ must be a listed stage: this test fails until it is listed here
#  (and has a unit).
STAGES=(calendar lister coordinator fetcher writer uploader notifier)
for d in "$ROOT"/stages/*/; do
    s=$(basename "$d")
    if [[ " ${STAGES[*]} " == *" $s "* ]]; then ok "stages/$s is a pipeline stage"
    else fail "stages/$s is not a listed stage: give it a unit and list it here, or move it under tools/"; fi
done
SINGLE=() FILES=()
for s in "${STAGES[@]}"; do
    if [ "$s" = fetcher ]; then
        FILES+=("eod-fetcher@.service")
    else
        SINGLE+=("$s")
        FILES+=("eod-$s.service")
    fi
done

#  ---------------------------------------------------------------- units exist
for f in "${FILES[@]}" eod.target README.md; do
    if [ -f "$UNITS/$f" ]; then ok "launch/systemd/$f exists"; else fail "launch/systemd/$f is missing"; fi
done
for s in "${SINGLE[@]}"; do
    if grep -E '^Wants=' "$UNITS/eod.target" 2>/dev/null | tr ' =' '\n\n' | grep -qxF "eod-$s.service"; then
        ok "eod.target wants eod-$s.service"
    else
        fail "eod.target has no Wants=eod-$s.service"
    fi
done

#  ---------------------------------------------------------------- hardening
REQUIRED=(
    "User=eod" "Group=eod" "PartOf=eod.target"
    "WorkingDirectory=/var/lib/eod" "StateDirectory=eod" "ConfigurationDirectory=eod"
    "Environment=EOD_ROOT=/var/lib/eod" "StandardError=journal" "UMask=0077"
    "NoNewPrivileges=yes" "PrivateTmp=yes" "PrivateDevices=yes" "ProtectSystem=strict" "ProtectHome=yes"
    "ReadWritePaths=/var/lib/eod" "ProtectKernelTunables=yes" "ProtectKernelModules=yes"
    "ProtectControlGroups=yes" "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK"
    "LockPersonality=yes" "RestrictRealtime=yes" "SystemCallArchitectures=native" "WantedBy=eod.target")
REQUIRED_RE=("^MemoryMax=[0-9]+[KMG]$")
for f in "${FILES[@]}"; do
    u=$UNITS/$f
    [ -f "$u" ] || continue
    missing=()
    for line in "${REQUIRED[@]}"; do grep -qxF "$line" "$u" || missing+=("$line"); done
    for re in "${REQUIRED_RE[@]}"; do grep -qE "$re" "$u" || missing+=("$re"); done
    if [ ${#missing[@]} = 0 ]; then ok "$f has every hardening line"
    else fail "$f lacks: ${missing[*]}"; fi
    #  Service mode: the installed program, the installed config, no --once.
    name=${f%.service}; name=${name%@}
    exec_line=$(grep -E '^ExecStart=' "$u")
    case $exec_line in
        "ExecStart=/usr/local/bin/$name --config /etc/eod/config.ini"|\
        "ExecStart=/usr/local/bin/$name --config /etc/eod/config.ini \$EOD_FETCHER_ARGS")
            ok "$f runs /usr/local/bin/$name in service mode" ;;
        *) fail "$f: unexpected $exec_line" ;;
    esac
    if grep -q -- '--once' <<<"$exec_line"; then fail "$f runs --once (one-shot), not service mode"; fi
done
#  ---------------------------------------------------------------- restart policy
#  The units restart as `launch/eod service` does: the lines policy.sh
#  derives from its table, and no other restart setting. Then the derivation
#  itself: systemd's documented rules, applied to each unit's lines, restart
#  exactly the endings the policy restarts.
# shellcheck source=../../launch/lib/policy.sh
source "$ROOT/launch/lib/policy.sh"
mapfile -t POLICY_LINES < <(policy_systemd_lines)
if [ ${#POLICY_LINES[@]} -ge 4 ]; then ok "policy.sh derives the units' restart lines: ${POLICY_LINES[*]}"
else fail "policy.sh derives no restart lines for the units (${POLICY_LINES[*]})"; fi
RESTART_KEYS='^(Restart|RestartSec|RestartPreventExitStatus|RestartForceExitStatus|SuccessExitStatus|StartLimitIntervalSec|StartLimitBurst|StartLimitAction)='
#  systemd_restarts UNIT STATUS: would systemd start the unit again after
#  its process ended with STATUS (128 + N: killed by signal N)?
systemd_restarts() {
    local unit=$1 status=$2 restart prevent clean=0 sig=""
    restart=$(sed -n 's/^Restart=//p' "$unit" | tail -n1)
    prevent=" $(sed -n 's/^RestartPreventExitStatus=//p' "$unit" | tr '\n' ' ') "
    if [ "$status" -gt 128 ]; then
        sig=$((status - 128))
        #  SIGHUP, SIGINT, SIGTERM and SIGPIPE are clean deaths (systemd.service(5)).
        case $sig in 1|2|13|15) clean=1 ;; esac
        local name
        name=$(kill -l "$sig")
        [[ $prevent == *" $name "* || $prevent == *" SIG$name "* ]] && return 1
    else
        [ "$status" = 0 ] && clean=1
        [[ $prevent == *" $status "* ]] && return 1
    fi
    case $restart in
        always) return 0 ;;
        on-success) [ "$clean" = 1 ] ;;
        on-failure) [ "$clean" = 0 ] ;;
        on-abnormal|on-abort) [ -n "$sig" ] && [ "$clean" = 0 ] ;;
        *) return 1 ;;
    esac
}
for f in "${FILES[@]}"; do
    u=$UNITS/$f
    [ -f "$u" ] || continue
    stage=${f#eod-}; stage=${stage%.service}; stage=${stage%@}
    missing=()
    for line in "${POLICY_LINES[@]}"; do grep -qxF "$line" "$u" || missing+=("$line"); done
    extra=$(grep -E "$RESTART_KEYS" "$u" | grep -vxF -f <(printf '%s\n' "${POLICY_LINES[@]}") | tr '\n' ' ')
    if [ ${#missing[@]} = 0 ] && [ -z "$extra" ]; then ok "$f restarts by the policy's lines alone"
    else fail "$f: restart lines differ from the policy's: missing ${missing[*]:-none}; other ${extra:-none}"; fi
    differ=()
    for status in 0 1 2 3 4 5 $((128 + 1)) $((128 + 6)) $((128 + 9)) $((128 + 11)) $((128 + 13)) $((128 + 15)); do
        a=no b=no
        policy_restarts service "$stage" "$status" && a=yes
        systemd_restarts "$u" "$status" && b=yes
        [ "$a" = "$b" ] || differ+=("$status: policy $a, systemd $b")
    done
    if [ ${#differ[@]} = 0 ]; then ok "$f: systemd restarts after exactly the endings the service policy restarts"
    else fail "$f: systemd and the service policy differ on ${differ[*]}"; fi
done
#  The model above catches a unit that drifts (its restart lines changed by hand).
sed 's/^RestartPreventExitStatus=.*$/RestartPreventExitStatus=3/' "$UNITS/eod-writer.service" >"$TMP/drift.service"
if ! systemd_restarts "$TMP/drift.service" 3 && systemd_restarts "$TMP/drift.service" 2; then
    ok "a unit whose RestartPreventExitStatus drifted is told apart from the policy"
else
    fail "the systemd model does not see a changed RestartPreventExitStatus"
fi

#  Binders before connectors: the calendar after the lister and the
#  coordinator, fetchers after the coordinator, everyone after the notifier.
after_has() { grep -E '^After=' "$UNITS/$1" | tr ' =' '\n\n' | grep -qxF "$2"; }
for pair in "eod-calendar.service eod-lister.service" "eod-calendar.service eod-coordinator.service" \
            "eod-fetcher@.service eod-coordinator.service" "eod-lister.service eod-coordinator.service" \
            "eod-coordinator.service eod-writer.service" "eod-writer.service eod-uploader.service"; do
    set -- $pair
    if after_has "$1" "$2"; then ok "$1 starts after $2"; else fail "$1 has no After=$2"; fi
done
if grep -qxF 'EnvironmentFile=-/etc/eod/fetcher.env' "$UNITS/eod-fetcher@.service"; then
    ok "eod-fetcher@.service reads EOD_FETCHER_ARGS from /etc/eod/fetcher.env"
else
    fail "eod-fetcher@.service lacks EnvironmentFile=-/etc/eod/fetcher.env"
fi

#  ---------------------------------------------------------------- systemd-analyze
#  verify checks that ExecStart's program exists, so the copies run the built
#  ones. It needs no systemd as PID 1 (it loads the units in a test manager).
verify_units() {   # DIR: verify every unit there; prints what verify says
    local dir=$1
    SYSTEMD_LOG_LEVEL=notice SYSTEMD_LOG_COLOR=0 systemd-analyze verify --man=no \
        "$dir"/eod.target "$dir"/eod-*.service "$dir"/eod-fetcher@1.service 2>&1
}
if ! command -v systemd-analyze >/dev/null 2>&1; then
    if dpkg-query -W -f='${Status}' systemd 2>/dev/null | grep -q "install ok installed"; then
        fail "systemd-analyze not found although the package systemd is installed"
    else
        fail "systemd-analyze is missing: install the Debian package 'systemd' (apt-get install systemd)"
    fi
else
    missing_bin=()
    for s in "${STAGES[@]}"; do [ -x "$BUILD/bin/eod-$s" ] || missing_bin+=("$BUILD/bin/eod-$s"); done
    if [ ${#missing_bin[@]} != 0 ]; then
        fail "systemd-analyze verify needs the built programs; missing: ${missing_bin[*]} (build first, or pass BUILD_DIR)"
    else
        mkdir -p "$TMP/units" "$TMP/bad"
        cp "$UNITS"/eod.target "$UNITS"/eod-*.service "$TMP/units/"
        sed -i "s#/usr/local/bin/eod-#$BUILD/bin/eod-#" "$TMP"/units/*.service
        out=$(verify_units "$TMP/units"); rc=$?
        ours=$(grep -E 'eod[-.@]' <<<"$out" || true)
        if [ "$rc" = 0 ] && [ -z "$ours" ]; then
            ok "systemd-analyze verify: every unit loads with no warning"
        else
            fail "systemd-analyze verify (exit $rc):"
            printf '%s\n' "$out" | sed 's/^/    /'
        fi
        [ -n "$out" ] && [ -z "$ours" ] && printf '%s\n' "$out" | sed 's/^/    (not ours) /'
        #  The harness itself: a unit with an unknown key and one whose program
        #  is missing must be reported, or the check above proves nothing.
        cp "$TMP"/units/* "$TMP/bad/"
        sed -i 's/^UMask=0077$/UMask=0077\nNoSuchKey=1/' "$TMP/bad/eod-writer.service"
        sed -i "s#$BUILD/bin/eod-lister#$BUILD/bin/eod-no-such-program#" "$TMP/bad/eod-lister.service"
        bad=$(verify_units "$TMP/bad")
        if grep -q "NoSuchKey" <<<"$bad" && grep -q "eod-no-such-program" <<<"$bad"; then
            ok "systemd-analyze verify reports a bad key and a missing program here"
        else
            fail "systemd-analyze verify did not report the planted faults: $bad"
        fi
        #  Exposure score of each service (0 best, 10 worst; "OK" is under 4).
        if systemd-analyze security --help 2>/dev/null | grep -q -- '--offline'; then
            for f in "${FILES[@]}"; do
                unit=${f/@.service/@1.service}
                sec=$(cd "$TMP/units" && systemd-analyze security --offline=true --no-pager \
                      --threshold=30 "$unit" 2>&1); rc=$?
                line=$(tail -n1 <<<"$sec")
                if [ "$rc" = 0 ] && grep -q "Overall exposure level" <<<"$line"; then
                    ok "$unit: ${line#*: }"
                else
                    fail "$unit: exposure above 3.0 or not measured: $line"
                fi
            done
        else
            skip "systemd-analyze security --offline is not in this systemd"
        fi
    fi
fi

#  ---------------------------------------------------------------- Airflow DAG
export PYTHONDONTWRITEBYTECODE=1    #  no __pycache__ in the source tree
if "$PY" -c 'import py_compile, sys; py_compile.compile(sys.argv[1], cfile=sys.argv[2], doraise=True)' \
        "$DAG" "$TMP/eod_dag.pyc" 2>"$TMP/pyc.err"; then
    ok "launch/airflow/eod_dag.py compiles"
else
    fail "launch/airflow/eod_dag.py does not compile: $(cat "$TMP/pyc.err")"
fi
[ -f "$ROOT/launch/airflow/README.md" ] && ok "launch/airflow/README.md exists" || fail "launch/airflow/README.md is missing"

#  A stand-in for the parts of Airflow (and pendulum, when absent) the DAG
#  file uses, so its DAG definitions run here; then the helpers, the DAGs'
#  settings, and the bash commands rendered (jinja2) and run against a stub
#  launch/eod that prints its arguments.
mkdir -p "$TMP/fake/airflow/operators" "$TMP/home/launch"
cat >"$TMP/fake/airflow/__init__.py" <<'EOF'
DAGS = []
class DAG:
    def __init__(self, dag_id, **kw):
        self.dag_id, self.kw, self.tasks = dag_id, kw, []
        DAGS.append(self)
    def __enter__(self):
        DAG.current = self
        return self
    def __exit__(self, *a):
        DAG.current = None
EOF
: >"$TMP/fake/airflow/operators/__init__.py"
cat >"$TMP/fake/airflow/operators/bash.py" <<'EOF'
from airflow import DAG
class BashOperator:
    def __init__(self, task_id, bash_command, **kw):
        self.task_id, self.bash_command, self.kw = task_id, bash_command, kw
        DAG.current.tasks.append(self)
EOF
if ! "$PY" -c 'import pendulum' 2>/dev/null; then
    cat >"$TMP/fake/pendulum.py" <<'EOF'
import datetime as _dt
from zoneinfo import ZoneInfo
def datetime(y, m, d, h=0, mi=0, tz="UTC"):
    return _dt.datetime(y, m, d, h, mi, tzinfo=ZoneInfo(tz))
EOF
fi
cat >"$TMP/home/launch/eod" <<'EOF'
#!/bin/sh
echo "ARGS $*"
EOF
chmod +x "$TMP/home/launch/eod"
cat >"$TMP/dag_test.py" <<'EOF'
import datetime as dt
import importlib.util
import subprocess
import sys

dag_path, home = sys.argv[1], sys.argv[2]
results = []
def check(name, cond, detail=""):
    results.append((bool(cond), name + ("" if cond else ": " + str(detail))))

spec = importlib.util.spec_from_file_location("eod_dag", dag_path)
m = importlib.util.module_from_spec(spec)
spec.loader.exec_module(m)
utc = dt.timezone.utc

# Helpers
check("KR date: Mon 18:00 Seoul (09:00 UTC) is that Monday",
      m.kr_session_date(dt.datetime(2024, 9, 2, 9, 0, tzinfo=utc)) == "2024-09-02")
check("KR date: 15:30 UTC is already the next day in Seoul",
      m.kr_session_date(dt.datetime(2024, 9, 2, 15, 30, tzinfo=utc)) == "2024-09-03")
check("KR date: a pinned conf date wins",
      m.kr_session_date(dt.datetime(2024, 9, 2, 9, 0, tzinfo=utc), {"date": "2024-08-30"}) == "2024-08-30")
for bad in ("2024-9-2", "2024-09-02; rm -rf /", "2024-02-30", 20240902):
    try:
        m.conf_date({"date": bad})
        check("conf date %r refused" % (bad,), False, "accepted")
    except ValueError:
        check("conf date %r refused" % (bad,), True)
try:
    m.kr_session_date(dt.datetime(2024, 9, 2, 9, 0))
    check("a naive data_interval_end is refused", False, "accepted")
except ValueError:
    check("a naive data_interval_end is refused", True)
check("the DAG file says what exit 5 means", "5  incomplete (the session was not published yet)" in m.__doc__)
check("US date: Sat 07:30 Seoul (Fri 22:30 UTC, EDT) is that Friday in New York",
      m.us_session_date(dt.datetime(2024, 8, 30, 22, 30, tzinfo=utc)) == "2024-08-30")
check("US date: Sat 07:30 Seoul in winter (Fri 22:30 UTC, EST) is that Friday",
      m.us_session_date(dt.datetime(2024, 12, 6, 22, 30, tzinfo=utc)) == "2024-12-06")
check("US date: the Tuesday run after Labor Day names the holiday (the gate's closed notice)",
      m.us_session_date(dt.datetime(2024, 9, 2, 22, 30, tzinfo=utc)) == "2024-09-02")
check("US date: a pinned conf date wins",
      m.us_session_date(dt.datetime(2024, 8, 30, 22, 30, tzinfo=utc), {"date": "2024-08-29"}) == "2024-08-29")
check("backfill: market and range from the run config",
      m.backfill_args({"market": "us", "from": "2024-08-01", "to": "2024-08-31"})
      == "--market us --from 2024-08-01 --to 2024-08-31")
for bad in ({}, None, {"market": "jp", "from": "2024-08-01", "to": "2024-08-31"},
            {"market": "kr", "from": "2024-08-31", "to": "2024-08-01"},
            {"market": "kr", "from": "2024-08-01"}, {"market": "kr; reboot", "from": "2024-08-01", "to": "2024-08-02"},
            {"market": "kr", "from": "2024-08-01", "to": "2024-08-01 --codes /etc/passwd"}):
    try:
        m.backfill_args(bad)
        check("backfill conf %r refused" % (bad,), False, "accepted")
    except ValueError:
        check("backfill conf %r refused" % (bad,), True)

# The DAGs, built against the stand-in
import airflow
dags = {d.dag_id: d for d in airflow.DAGS}
check("three DAGs, eod_backfill, eod_kr and eod_us", sorted(dags) == ["eod_backfill", "eod_kr", "eod_us"],
      sorted(dags))
b = dags.get("eod_backfill")
check("eod_backfill runs when triggered, one at a time, 12 h",
      b is not None and b.kw.get("schedule") is None and b.kw.get("max_active_runs") == 1
      and b.kw["default_args"].get("execution_timeout") == dt.timedelta(hours=12) and len(b.tasks) == 1)
want = {"eod_kr": "0 18 * * 1-5", "eod_us": "30 7 * * 2-6"}
for name, cron in want.items():
    d = dags.get(name)
    if d is None:
        continue
    kw = d.kw
    check(name + " schedule " + cron, kw.get("schedule") == cron, kw.get("schedule"))
    tz = kw["start_date"].tzinfo
    check(name + " start_date in Asia/Seoul", "Seoul" in str(getattr(tz, "name", tz)), tz)
    check(name + " catchup=False, max_active_runs=1",
          kw.get("catchup") is False and kw.get("max_active_runs") == 1)
    a = kw.get("default_args", {})
    check(name + " retries=3, 10 min exponential, 2 h timeout",
          a.get("retries") == 3 and a.get("retry_delay") == dt.timedelta(minutes=10)
          and a.get("retry_exponential_backoff") is True
          and a.get("execution_timeout") == dt.timedelta(hours=2), a)
    check(name + " has one BashOperator", len(d.tasks) == 1, len(d.tasks))

# Rendered and run
try:
    import jinja2
except ImportError:
    jinja2 = None
if jinja2 is None:
    print("skip rendering the bash commands: no jinja2 for " + sys.executable)
else:
    class Var:
        def __init__(self, values): self.values = values
        def get(self, k, default=None): return self.values.get(k, default)
    def render(dag, variables, conf, end):
        ctx = dict(var={"value": Var(variables)}, dag_run={"conf": conf}, data_interval_end=end)
        ctx.update(dag.kw["user_defined_macros"])
        return jinja2.Environment(undefined=jinja2.StrictUndefined).from_string(
            dag.tasks[0].bash_command).render(**ctx)
    def run(cmd, env):
        p = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True, env=env)
        return p.returncode, p.stdout.strip(), p.stderr.strip()
    end = dt.datetime(2024, 9, 2, 9, 0, tzinfo=utc)
    us_end = dt.datetime(2024, 8, 30, 22, 30, tzinfo=utc)
    rc, out, err = run(render(dags["eod_kr"], {"EOD_HOME": home}, {}, end), {"PATH": "/usr/bin:/bin"})
    check("KR task runs launch/eod run --market kr --date 2024-09-02",
          rc == 0 and out == "ARGS run --market kr --date 2024-09-02", (rc, out, err))
    rc, out, err = run(render(dags["eod_us"], {}, {}, us_end), {"PATH": "/usr/bin:/bin", "EOD_HOME": home})
    check("US task runs launch/eod run --market us --date 2024-08-30 (EOD_HOME from the environment)",
          rc == 0 and out == "ARGS run --market us --date 2024-08-30", (rc, out, err))
    rc, out, err = run(render(dags["eod_backfill"], {"EOD_HOME": home},
                              {"market": "kr", "from": "2024-08-01", "to": "2024-08-31"}, us_end),
                       {"PATH": "/usr/bin:/bin"})
    check("the backfill task runs launch/eod backfill over the range",
          rc == 0 and out == "ARGS backfill --market kr --from 2024-08-01 --to 2024-08-31", (rc, out, err))
    check("the backfill task gives launch/eod its 12 h deadline",
          "export EOD_RUN_TIMEOUT=43200" in dags["eod_backfill"].tasks[0].bash_command)
    rc, out, err = run(render(dags["eod_us"], {"EOD_HOME": home}, {"date": "2024-08-29"}, us_end),
                       {"PATH": "/usr/bin:/bin"})
    check("US task with a pinned date passes --date",
          rc == 0 and out == "ARGS run --market us --date 2024-08-29", (rc, out, err))
    rc, out, err = run(render(dags["eod_kr"], {}, None, end), {"PATH": "/usr/bin:/bin"})
    check("without EOD_HOME the task exits 2 and says why", rc == 2 and "EOD_HOME" in err, (rc, out, err))

for good, text in results:
    print(("ok   " if good else "FAIL ") + text)
EOF
PYTHONPATH="$TMP/fake" "$PY" "$TMP/dag_test.py" "$DAG" "$TMP/home" >"$TMP/dag.out" 2>&1
dag_rc=$?
while IFS= read -r line; do
    case $line in
        "ok   "*) ok "DAG: ${line#ok   }" ;;
        "FAIL "*) fail "DAG: ${line#FAIL }" ;;
        "skip "*) skip "DAG: ${line#skip }" ;;
        *) [ "$dag_rc" = 0 ] || printf '    %s\n' "$line" ;;
    esac
done <"$TMP/dag.out"
[ "$dag_rc" = 0 ] || fail "the DAG checks ended with exit $dag_rc"

#  ---------------------------------------------------------------- Athena DDL
#  The table's columns must be the writer's header (s_kr_columns and
#  s_us_columns in stages/writer/writer_csv.c), in order, named for Athena:
#  lower case, '&' dropped, other runs of non-alphanumerics turned into '_'.
cat >"$TMP/ddl_test.py" <<'EOF'
import re
import sys

writer_c, sql_dir = sys.argv[1], sys.argv[2]
src = open(writer_c, encoding="utf-8").read()
def header(array):
    m = re.search(r"static const char \*const " + array + r"\[\] = \{(.*?)\};", src, re.S)
    return re.findall(r'"([^"]*)"', m.group(1)) if m else None
def athena(name):
    return re.sub(r"[^a-z0-9]+", "_", name.lower().replace("&", "")).strip("_")
for market, array in (("kr", "s_kr_columns"), ("us", "s_us_columns")):
    cols = header(array)
    path = "%s/%s_eod.sql" % (sql_dir, market)
    sql = open(path, encoding="utf-8").read()
    t = re.search(r"CREATE EXTERNAL TABLE IF NOT EXISTS %s_eod \((.*?)\)\s*PARTITIONED BY \(dt STRING\)"
                  % market, sql, re.S)
    if not cols or not t:
        print("FAIL %s: no header in writer_csv.c (%s) or no CREATE EXTERNAL TABLE in %s" % (market, array, path))
        continue
    ddl = re.findall(r"^\s*([a-z0-9_]+)\s+STRING(?:\s+COMMENT\s+'[^'\\]*')?,?\s*$", t.group(1), re.M)
    # The columns that are not of the row's session say so.
    notes = dict(re.findall(r"^\s*([a-z0-9_]+)\s+STRING\s+COMMENT\s+'([^']*)'", t.group(1), re.M))
    said = {"kr": {"hts_avls": "empty unless the row session was the latest closed one", "per": "empty unless",
                   "revenue": "empty unless", "group_code": "as of the run"},
            "us": {"nrec": "empty unless", "sp500": "as of the run", "gics_sector": "as of the run",
                   "company": "as of the run"}}[market]
    wrong = [c for c, w in said.items() if w not in notes.get(c, "")]
    print(("ok   %s_eod.sql says which columns are not of the row's session" % market) if not wrong
          else "FAIL %s_eod.sql: no comment saying so on %s" % (market, wrong))
    want = [athena(c) for c in cols]
    if ddl == want:
        print("ok   %s_eod.sql: %d columns = the writer's %s header" % (market, len(ddl), market.upper()))
    else:
        extra = [c for c in ddl if c not in want]
        lost = [c for c in want if c not in ddl]
        print("FAIL %s_eod.sql columns differ from the writer's header: missing %s, extra %s, order %s"
              % (market, lost, extra, "differs" if not lost and not extra else "-"))
    props = ["'skip.header.line.count'     = '1'", "'projection.enabled'         = 'true'",
             "'projection.dt.type'         = 'date'", "'projection.dt.format'       = 'yyyy-MM-dd'",
             "'projection.dt.range'        = '2015-01-01,NOW'",
             "'org.apache.hadoop.hive.serde2.OpenCSVSerde'",
             "LOCATION 's3://YOUR_BUCKET/YOUR_PREFIX/market=%s/'" % market,
             "'storage.location.template'  = 's3://YOUR_BUCKET/YOUR_PREFIX/market=%s/dt=${dt}/'" % market]
    lost = [p for p in props if p not in sql]
    print(("ok   %s_eod.sql has the SerDe, header skip, projection and location" % market) if not lost
          else "FAIL %s_eod.sql lacks %s" % (market, lost))
    # Every column the typed view reads is one of the table's.
    v = re.search(r"CREATE OR REPLACE VIEW %s_eod_typed AS\s*SELECT(.*?)\bFROM %s_eod;" % (market, market),
                  sql, re.S)
    if not v:
        print("FAIL %s_eod.sql: no view %s_eod_typed" % (market, market))
        continue
    used = re.findall(r"^\s*(?:TRY_CAST\((?:NULLIF\()?)?([a-z0-9_]+)", v.group(1), re.M)
    unknown = [c for c in used if c not in ddl + ["dt"]]
    print(("ok   %s_eod_typed reads only the table's columns (%d)" % (market, len(used))) if used and not unknown
          else "FAIL %s_eod_typed reads unknown columns %s" % (market, unknown))
    # The reference layout's tables ([s3] layout = reference): the same columns, its partitions.
    ref = "%s/%s_eod_reference.sql" % (sql_dir, market)
    rsql = open(ref, encoding="utf-8").read()
    for table, parts, keys in (("%s_eod_ref" % market, r"\(year INT, month INT, day INT\)",
                                "year=${year}/month=${month}/day=${day}/"),
                               ("%s_eod_ref_daily" % market, r"\(dt STRING\)", "/${dt}/")):
        r = re.search(r"CREATE EXTERNAL TABLE IF NOT EXISTS %s \((.*?)\)\s*PARTITIONED BY %s(.*?);" % (table, parts),
                      rsql, re.S)
        rcols = re.findall(r"^\s*([a-z0-9_]+)\s+STRING(?:\s+COMMENT\s+'[^'\\]*')?,?\s*$", r.group(1), re.M) if r else []
        good = r and rcols == want and keys in r.group(2) and "OpenCSVSerde" in r.group(2)
        print(("ok   %s_eod_reference.sql: %s has the writer's %d columns and the reference's keys" % (market, table, len(rcols)))
              if good else "FAIL %s_eod_reference.sql: %s differs from the writer's header or lacks %s" % (market, table, keys))
# The code lists' tables: each list's columns, by their KIS identifiers (stages/lister/codelist_columns.c).
lister_c = writer_c.replace("writer/writer_csv.c", "lister/codelist_columns.c")
lsrc = open(lister_c, encoding="utf-8").read()
csql = open("%s/codes.sql" % sql_dir, encoding="utf-8").read()
for lst, arr in (("kospi_code", "s_kospi"), ("kosdaq_code", "s_kosdaq"), ("us_market_index", "s_us_index"),
                 ("us_market_master", "s_us_master"), ("us_market_stock", "s_us_stock")):
    m = re.search(r"static const lister_column_t " + arr + r"\[\] = \{(.*?)\n\};", lsrc, re.S)
    idents = (["mksc_shrn_iscd", "stnd_iscd", "hts_kor_isnm"] if m and "S_KR_HEAD" in m.group(1) else []) + \
        (re.findall(r'\{"[^"]*", "([a-z0-9_]+)", \d+\}', m.group(1)) if m else [])
    t = re.search(r"CREATE EXTERNAL TABLE IF NOT EXISTS %s \((.*?)\)\s*PARTITIONED BY \(dt STRING\)(.*?);" % lst, csql, re.S)
    cols = re.findall(r"^\s*([a-z0-9_]+)\s+STRING", t.group(1), re.M) if t else []
    loc = "'s3://YOUR_BUCKET/YOUR_PREFIX/codes/%s/dt=${dt}/'" % lst
    print(("ok   codes.sql: %s has the list's %d columns and its location" % (lst, len(cols)))
          if idents and cols == idents and loc in t.group(2)
          else "FAIL codes.sql: %s differs from codelist_columns.c (%s) or lacks %s" % (lst, arr, loc))
EOF
"$PY" "$TMP/ddl_test.py" "$ROOT/stages/writer/writer_csv.c" "$ROOT/config/athena" >"$TMP/ddl.out" 2>&1
ddl_rc=$?
while IFS= read -r line; do
    case $line in
        "ok   "*) ok "Athena: ${line#ok   }" ;;
        "FAIL "*) fail "Athena: ${line#FAIL }" ;;
        *) printf '    %s\n' "$line" ;;
    esac
done <"$TMP/ddl.out"
[ "$ddl_rc" = 0 ] || fail "the Athena checks ended with exit $ddl_rc"
#  The key layout the DDL assumes is the uploader's default.
if grep -q 'market={market}/dt={yyyy}-{mm}-{dd}/{file}' "$ROOT/stages/uploader/object_key.c"; then
    ok "Athena: the uploader's default key is PREFIX/market={market}/dt={yyyy}-{mm}-{dd}/{file}"
else
    fail "Athena: the uploader's default key changed; config/athena/*.sql assume market=M/dt=YYYY-MM-DD/"
fi
[ -f "$ROOT/config/athena/README.md" ] && ok "config/athena/README.md exists" || fail "config/athena/README.md is missing"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
