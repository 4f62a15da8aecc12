# shellcheck shell=bash
#  run.sh — `launch/eod run` and `launch/eod backfill`: every stage one-shot
#  (--once) under the supervisor (supervise.sh, mode "once"), the run over
#  when the notifier, the last stage, has reported it; the stages' exit codes
#  made into the launcher's: 0 complete, 1 partial, 2 usage or config error,
#  3 an outside service unreachable, 4 internal error (a stage killed by a
#  signal it was not restarted from, a run that timed out). Sourced by
#  launch/eod.

#  Seconds the run goes on after a stage failed (it may have left the chain
#  without its END); milliseconds the stages get to end on their own once the
#  notifier has (their last messages' linger, a sanitized build's leak check).
RUN_FAILED_GRACE_S=10
RUN_END_GRACE_MS=3000
#  Stages whose failure ends the run (the notifier ends it anyway; a fetcher
#  that ends leaves its tasks to the others).
RUN_CHAIN="calendar lister coordinator writer uploader"

#  cmd_run [--market kr|us|all] [--date D] [--from D --to D] [--codes FILE]
#  [--config F] [--fetchers N] [--no-cross-check]: one run; returns its exit
#  code. RUN_CLOSE=1 (cmd_close) makes it the fast close.
cmd_run() {
    local market=kr date="" config=${EOD_CONFIG:-} fetchers="" from="" to="" codes="" xcheck=1
    local close=${RUN_CLOSE:-0}
    while [ $# -gt 0 ]; do
        case $1 in
            --codes|--market|--date|--config|--fetchers|--from|--to) arg_value run "$1" 1 "$@" ;;
            --no-cross-check)
                #  A KR daily run's: a backfill and US are never cross-checked.
                xcheck=0; shift; continue ;;
            *) usage_error "run: unknown option $1" ;;
        esac
        case $1 in
            --codes) arg_file run --codes "$2"; codes=$2 ;;
            --market) arg_market run "$2" "kr us all"; market=$2 ;;
            --date) arg_date run --date "$2"; date=$2 ;;
            --config) arg_file run --config "$2"; config=$2 ;;
            --fetchers) arg_count run --fetchers "$2" 0 "$ARGS_FETCHERS_MAX"; fetchers=$((10#$2)) ;;
            --from) arg_date run --from "$2"; from=$2 ;;
            --to) arg_date run --to "$2"; to=$2 ;;
        esac
        shift 2
    done
    [ -z "$date" ] || [ -z "$from$to" ] \
        || usage_error "run: --date and --from/--to contradict: one session, or a range (launch/eod backfill)"
    arg_range run "$from" "$to"
    if [ "$xcheck" = 0 ]; then
        [ -z "$from$to" ] || usage_error "run: --no-cross-check: a range (backfill) is never cross-checked"
        [ "$market" != us ] || usage_error "run: --no-cross-check: only a KR daily run is cross-checked"
    fi
    case $market in
        kr|us) ;;
        all)
            #  One run per market, KR first; the worse exit code wins.
            local rc_all=0 m
            for m in kr us; do
                local args=(--market "$m" --config "${config:-$ROOT/config/config.ini}")
                [ -n "$date" ] && args+=(--date "$date")
                [ -n "$from" ] && args+=(--from "$from" --to "$to")
                [ -n "$codes" ] && args+=(--codes "$codes")
                [ -n "$fetchers" ] && args+=(--fetchers "$fetchers")
                [ "$xcheck" = 0 ] && [ "$m" = kr ] && args+=(--no-cross-check)
                local r=0
                EOD_LOG_DIR='' cmd_run "${args[@]}" || r=$?
                rc_all=$(policy_worse "$rc_all" "$r")
            done
            return "$rc_all" ;;
    esac
    local cfg
    cfg=$(checked_config run "$config" coordinator "$fetchers" \
          "copy config/config.ini.example, or use --config config/demo.ini") || exit 2
    [ -n "$fetchers" ] || fetchers=$(config_fetchers "$cfg")
    local logs=${EOD_LOG_DIR:-}
    [ -n "$logs" ] || logs=$ROOT/state/logs/$(date -u +%Y%m%dT%H%M%SZ)-$market-$$
    mkdir -p "$logs"
    local gate_args=(--market "$market")
    [ -n "$date" ] && gate_args+=(--date "$date")
    [ -n "$from" ] && gate_args+=(--from "$from" --to "$to")
    [ -n "$codes" ] && gate_args+=(--codes "$(realpath "$codes")")
    [ "$xcheck" = 0 ] && gate_args+=(--no-cross-check)
    [ "$close" = 1 ] && gate_args+=(--close)
    say "run $market: logs in $logs"
    #  Stages that bind start before those that connect to them.
    sv_init once "$logs" "$cfg" s_run_on_end
    sv_start notifier
    sv_start uploader
    sv_start writer
    sv_start coordinator
    local i
    for i in $(seq 1 "$fetchers"); do sv_start "fetcher-$i"; done
    sv_start lister
    sv_start calendar "${gate_args[@]}"
    # shellcheck disable=SC2154   # p: the trap's own loop variable
    trap 'for p in "${SV_PID[@]}"; do [ "$p" = 0 ] || kill "$p" 2>/dev/null || true; done' INT TERM
    RUN_RC=0 RUN_FAILED_AT=0
    local deadline=$((EPOCHSECONDS + ${EOD_RUN_TIMEOUT:-7200})) shown="" tick=0
    while sv_running notifier; do
        sleep "$SV_POLL_S"
        sv_step
        tick=$((tick + 1))
        s_run_progress
        if [ "$RUN_FAILED_AT" != 0 ] && [ $((EPOCHSECONDS - RUN_FAILED_AT)) -ge "$RUN_FAILED_GRACE_S" ]; then
            say "the run did not end after a stage failed: stopping it"; break
        fi
        if [ "$EPOCHSECONDS" -ge "$deadline" ]; then say "run timed out"; RUN_RC=4; break; fi
    done
    #  One-shot fetchers leave on END; the others are named if stopped.
    sv_stop "$RUN_END_GRACE_MS"
    local name code
    for name in "${SV_NAMES[@]}"; do
        [[ $name == fetcher-* ]] && continue
        [ -n "${SV_STOPPED[$name]:-}" ] && say "$name had not ended: stopped it (exit ${SV_STATUS[$name]})"
        code=$(policy_exit_code "${SV_STATUS[$name]:-0}")
        RUN_RC=$(policy_worse "$RUN_RC" "$code")
    done
    [ -t 2 ] && [ -n "$shown" ] && printf '\n' >&2
    s_run_report "$market" "$logs"
    return "$RUN_RC"
}

#  The supervisor's call for a stage it did not restart: a stage of the
#  chain that failed starts the count to the run's end; one that ended
#  partial is named (the run's verdict says partial, this says who).
s_run_on_end() {   # NAME STATUS WHY
    local name=$1 status=$2
    [[ " $RUN_CHAIN " == *" $name "* ]] || return 0
    [ "$RUN_FAILED_AT" = 0 ] || return 0
    if [ "$status" -ge 2 ] && [ "$status" != 5 ]; then RUN_FAILED_AT=$EPOCHSECONDS; say "$name exited with $status"
    elif [ "$status" = 1 ] || [ "$status" = 5 ]; then say "$name exited with $status"; fi
}

#  Progress: the coordinator's latest line, redrawn on a terminal, every 10 s
#  as a plain line otherwise (uses tick and shown of cmd_run).
s_run_progress() {
    [ $((tick % 5)) = 0 ] || return 0
    local line
    line=$(grep -h "progress:" "$SV_LOGS/coordinator.log" 2>/dev/null | tail -n1 | sed 's/^.*progress: //' || true)
    [ -n "$line" ] && [ "$line" != "$shown" ] || return 0
    if [ -t 2 ]; then printf '\reod: %s\033[K' "$line" >&2
    elif [ $((tick % 50)) = 0 ]; then say "$line"; fi
    shown=$line
}

#  The run's summary, a closed market, the restarts, and the verdict.
s_run_report() {   # MARKET LOGS
    local market=$1 logs=$2
    grep -h "run .* rows, .* tasks" "$logs/notifier.log" 2>/dev/null | sed 's/^.*: run /eod: run /' >&2 || true
    grep -h "market closed" "$logs/calendar.log" 2>/dev/null | sed 's/^.*: /eod: /' >&2 || true
    [ -s "$logs/restarts.log" ] && cat "$logs/restarts.log" >&2
    case $RUN_RC in
        0) say "run $market: complete" ;;
        1) say "run $market: partial: some codes or uploads failed after retries (see the summary)" ;;
        2) say "run $market: usage or config error (see $logs)" ;;
        3) say "run $market: an outside service was unreachable; retry later (see $logs)" ;;
        5) say "run $market: incomplete: the session was not published yet; its codes are in state/gaps: run the same command again later (see the summary)" ;;
        *) say "run $market: internal error (see $logs)" ;;
    esac
}

#  close [--date D] [--config F] [--fetchers N] [--codes FILE]: the fast
#  close of a KR session from the multi-stock quote alone (mode close); the
#  calendar gate refuses (exit 2, saying why) any date but the latest closed
#  session, before the close or the quote's window, and the mock host.
cmd_close() {
    local args=() a
    while [ $# -gt 0 ]; do
        a=$1
        case $a in
            --date|--config|--fetchers|--codes)
                arg_value close "$a" 1 "$@"
                case $a in
                    --date) arg_date close --date "$2" ;;
                    --fetchers) arg_count close --fetchers "$2" 0 "$ARGS_FETCHERS_MAX" ;;
                    *) arg_file close "$a" "$2" ;;
                esac
                args+=("$a" "$2"); shift 2 ;;
            --market)
                arg_value close "$a" 1 "$@"
                [ "$2" = kr ] || usage_error "close: --market '$2': the fast close is of a KR session only"
                shift 2 ;;
            --from|--to) usage_error "close: $a: the fast close is of one session (--date D)" ;;
            --no-cross-check) usage_error "close: --no-cross-check: the fast close is not cross-checked" ;;
            *) usage_error "close: unknown option $a" ;;
        esac
    done
    RUN_CLOSE=1 cmd_run --market kr "${args[@]+"${args[@]}"}"
}

#  backfill: the same stages over a range of sessions, 100 sessions a request.
cmd_backfill() {
    local market=kr from="" to="" months=() args=() gaps=0 codes=0
    while [ $# -gt 0 ]; do
        case $1 in
            --market|--from|--to|--config|--fetchers|--codes) arg_value backfill "$1" 1 "$@" ;;
            --months) arg_value backfill "$1" 2 "$@" ;;
            --gaps) ;;
            *) usage_error "backfill: unknown option $1" ;;
        esac
        case $1 in
            --market)
                [ "$2" != all ] || usage_error "backfill: --market all is not supported: backfill one market at a time"
                arg_market backfill "$2" "kr us"; market=$2; shift 2 ;;
            --from) arg_date backfill --from "$2"; from=$2; shift 2 ;;
            --to) arg_date backfill --to "$2"; to=$2; shift 2 ;;
            --months)
                arg_month backfill --months "$2"; arg_month backfill --months "$3"
                [ "$2" -le "$3" ] || usage_error "backfill: --months $2 $3: the first month is after the second"
                months=("$2" "$3"); shift 3 ;;
            --gaps) gaps=1; shift ;;
            --config|--codes)
                arg_file backfill "$1" "$2"; args+=("$1" "$2")
                [ "$1" = --config ] || codes=1
                shift 2 ;;
            --fetchers)
                arg_count backfill --fetchers "$2" 0 "$ARGS_FETCHERS_MAX"; args+=("$1" "$((10#$2))"); shift 2 ;;
        esac
    done
    if [ "$gaps" = 1 ]; then
        [ -z "$from$to${months[*]}" ] || usage_error "backfill: --gaps refills the recorded ranges: no --from, --to or --months"
        [ "$codes" = 0 ] || usage_error "backfill: --gaps refills the recorded codes: no --codes"
    fi
    [ ${#months[@]} = 0 ] || [ -z "$from$to" ] || usage_error "backfill: --months and --from/--to contradict: one or the other"
    arg_range backfill "$from" "$to"
    [ "$gaps" = 1 ] || [ -n "$from" ] || [ ${#months[@]} = 2 ] \
        || usage_error "backfill: --from D --to D, or --months YYYYMM YYYYMM, or --gaps"
    if [ "$gaps" = 1 ]; then
        backfill_gaps "$market" "${args[@]+"${args[@]}"}"
        return
    fi
    if [ ${#months[@]} = 2 ]; then
        from="${months[0]:0:4}-${months[0]:4:2}-01"
        to=$(date -u -d "${months[1]:0:4}-${months[1]:4:2}-01 +1 month -1 day" +%Y-%m-%d)
    fi
    cmd_run --market "$market" --from "$from" --to "$to" "${args[@]+"${args[@]}"}"
}

#  Refills what earlier runs recorded under state/gaps/: one backfill per
#  recorded date range, of the codes that failed in it; a gap file whose refill completed is removed (a new one
#  records what failed again).
backfill_gaps() {
    local market=$1; shift
    local config=$ROOT/config/config.ini a prev=""
    for a in "$@"; do [ "$prev" = --config ] && config=$a; prev=$a; done
    [ -x "$BIN/eod-coordinator" ] || build
    local state
    state=$("$BIN/eod-coordinator" --config "$(private_config "$config")" --get pipeline:state_dir) || exit 2
    local dir=$state/gaps rc=0 found=0 f
    for f in "$dir/$market"-*.tsv; do
        [ -f "$f" ] || continue
        found=1
        while IFS=$'\t' read -r from to; do
            local codes
            codes=$(mktemp)
            awk -F'\t' -v a="$from" -v b="$to" '$3 == a && $4 == b { print $2 }' "$f" | sort -u >"$codes"
            say "refilling $(wc -l <"$codes") code(s) of $market for $from..$to from $(basename "$f")"
            local r=0
            cmd_run --market "$market" --from "$from" --to "$to" --codes "$codes" "$@" || r=$?
            rm -f "$codes"
            rc=$(policy_worse "$rc" "$r")
        done < <(cut -f3,4 "$f" | sort -u)
        [ "$rc" = 0 ] && rm -f "$f"
    done
    [ "$found" = 1 ] || say "no gaps recorded for $market"
    return "$rc"
}
