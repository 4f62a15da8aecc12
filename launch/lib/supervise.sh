# shellcheck shell=bash
#  supervise.sh — the supervisor of the stages `launch/eod run` and
#  `launch/eod service` start: one process per stage with its log, each that
#  ends started again or retired as policy.sh says for the mode, and the stop
#  of those still running at the end. launch/lib/run.sh and service.sh hold
#  what is particular to each command (when the whole ends, its exit code).
#  Sourced by launch/eod after policy.sh.
#
#  One supervisor per process; its state is global:
#    SV_NAMES           the stages, in the order they were started
#    SV_PID[name]       the pid while it runs, 0 once retired (or waiting to
#                       be started again)
#    SV_STATUS[name]    the exit status of a retired stage
#    SV_STOPPED[name]   1 when sv_stop had to stop it
#  A stage is named after its program (writer: eod-writer); instances add a
#  number (fetcher-2: eod-fetcher).

declare -a SV_NAMES=()
declare -A SV_PID=() SV_STATUS=() SV_STOPPED=() SV_ARGS=() SV_DUE=() SV_STARTS=()
SV_MODE="" SV_LOGS="" SV_CFG="" SV_ON_END="" SV_PREFIX="" SV_NOW_MS=0
SV_POLL_S=0.2          #  how often ended stages are looked for

#  sv_init MODE LOG_DIR CONFIG ON_END: a supervisor with no stage yet (one
#  run after another reuses it); MODE once or service (policy.sh); logs go to
#  LOG_DIR/NAME.log, restarts to LOG_DIR/restarts.log. ON_END NAME STATUS WHY
#  is called for each stage that ended and is not started again (WHY:
#  "policy" when the policy does not restart that ending, "limit" when the
#  stage has used its starts).
sv_init() {
    SV_MODE=$1 SV_LOGS=$2 SV_CFG=$3 SV_ON_END=$4 SV_PREFIX=""
    SV_NAMES=() SV_PID=() SV_STATUS=() SV_STOPPED=() SV_ARGS=() SV_DUE=() SV_STARTS=()
    [ "$SV_MODE" = service ] && SV_PREFIX="service: "
    return 0
}

#  SV_NOW_MS: milliseconds of the wall clock, set without starting a process
#  (the loop asks five times a second).
s_sv_clock() { SV_NOW_MS=${EPOCHREALTIME/[.,]/}; SV_NOW_MS=$((SV_NOW_MS / 1000)); }

#  sv_start NAME [ARGS...]: starts the stage with the mode's options, the
#  config and ARGS; ARGS are kept for its restarts. EOD_STAGE_WRAP (the
#  benchmarks) is a command run as WRAP NAME PROGRAM ARGS...
sv_start() {
    local name=$1; shift
    SV_ARGS[$name]=""
    [ $# = 0 ] || SV_ARGS[$name]=$(printf '%q ' "$@")
    [[ " ${SV_NAMES[*]} " == *" $name "* ]] || SV_NAMES+=("$name")
    s_sv_spawn "$name" "$@"
}

s_sv_spawn() {   # NAME ARGS...
    local name=$1; shift
    local once=() wrap=()
    [ "$SV_MODE" = once ] && once=(--once)
    [ -n "${EOD_STAGE_WRAP:-}" ] && wrap=("$EOD_STAGE_WRAP" "$name")
    "${wrap[@]+"${wrap[@]}"}" "$BIN/eod-${name%%-*}" "${once[@]+"${once[@]}"}" --config "$SV_CFG" "$@" \
        2>>"$SV_LOGS/$name.log" &
    SV_PID[$name]=$!
    SV_STARTS[$name]="${SV_STARTS[$name]:-} ${EPOCHSECONDS}"
}

#  The stage's starts within the policy's interval, this one included.
s_sv_starts_within() {   # NAME
    local interval=POLICY_INTERVAL_$SV_MODE now=$EPOCHSECONDS t n=0
    for t in ${SV_STARTS[$1]}; do
        if [ "${!interval}" = 0 ] || [ $((now - t)) -lt "${!interval}" ]; then n=$((n + 1)); fi
    done
    echo "$n"
}

#  sv_running NAME: true while the stage runs (or waits to be started again).
sv_running() { [ "${SV_PID[$1]:-0}" != 0 ] || [ -n "${SV_DUE[$1]:-}" ]; }

#  sv_step: starts the restarts that are due, then reaps each stage that
#  ended: it is started again (now, or after the policy's delay) or retired
#  (and the ON_END of sv_init called).
sv_step() {
    local name pid status
    s_sv_clock
    for name in "${!SV_DUE[@]}"; do
        [ "${SV_DUE[$name]}" -gt "$SV_NOW_MS" ] || s_sv_respawn "$name"
    done
    for name in "${SV_NAMES[@]}"; do
        pid=${SV_PID[$name]:-0}
        [ "$pid" != 0 ] || continue
        kill -0 "$pid" 2>/dev/null && continue
        status=0
        wait "$pid" 2>/dev/null || status=$?
        SV_PID[$name]=0
        SV_STATUS[$name]=$status
        if ! policy_restarts "$SV_MODE" "$name" "$status"; then
            "$SV_ON_END" "$name" "$status" policy
        elif ! s_sv_restart "$name" "$status"; then
            "$SV_ON_END" "$name" "$status" limit
        fi
    done
}

#  EOD_RESTARTED of a restarted stage (its run's summary names the restart).
s_sv_why() {
    if [ "$1" -gt "$POLICY_SIGNAL_BASE" ]; then echo "signal $(($1 - POLICY_SIGNAL_BASE))"; else echo "exit $1"; fi
}

#  Schedules the restart of NAME, which ended with STATUS; 1 when the stage
#  has used the starts the policy allows.
s_sv_restart() {   # NAME STATUS
    local name=$1 status=$2 burst=POLICY_BURST_$SV_MODE delay=POLICY_DELAY_$SV_MODE n how
    #  EOD_SERVICE_RESTART_S: another delay for the service (the tests' 1 s).
    delay=${!delay}
    [ "$SV_MODE" = service ] && delay=${EOD_SERVICE_RESTART_S:-$delay}
    n=$(s_sv_starts_within "$name")
    [ "$n" -lt "${!burst}" ] || return 1
    how=$(policy_describe "$status")
    if [ "$delay" = 0 ]; then
        say "$SV_PREFIX$name $how: restarting it ($n of $((${!burst} - 1)))"
    else
        say "$SV_PREFIX$name $how: starting it again in $delay s"
    fi
    printf 'eod: %s %s: restarted\n' "$name" "$how" >>"$SV_LOGS/restarts.log"
    if [ "$delay" = 0 ]; then
        s_sv_respawn "$name"
    else
        s_sv_clock
        SV_DUE[$name]=$((SV_NOW_MS + delay * 1000))
    fi
    return 0
}

#  Starts again a stage whose restart is due, with the arguments of its first
#  start and those the policy adds on a restart.
s_sv_respawn() {   # NAME
    local name=$1 args resume=POLICY_RESUME_ARGS_${SV_MODE}_${1%%-*}
    unset "SV_DUE[$name]"
    eval "args=(${SV_ARGS[$name]})"
    # shellcheck disable=SC2086   # the added arguments: none, or words
    EOD_RESTARTED=$(s_sv_why "${SV_STATUS[$name]}") s_sv_spawn "$name" "${args[@]+"${args[@]}"}" ${!resume:-}
    unset "SV_STATUS[$name]"
}

#  sv_stop GRACE_MS: the stages still running get GRACE_MS to end on their
#  own, then SIGTERM; sets SV_STATUS of each and SV_STOPPED of those stopped.
#  Restarts not yet due are dropped.
sv_stop() {
    local until name pid status left
    s_sv_clock
    until=$((SV_NOW_MS + $1))
    for name in "${!SV_DUE[@]}"; do unset "SV_DUE[$name]"; done
    while s_sv_clock && [ "$SV_NOW_MS" -lt "$until" ]; do
        left=0
        for name in "${SV_NAMES[@]}"; do
            pid=${SV_PID[$name]:-0}
            [ "$pid" != 0 ] && kill -0 "$pid" 2>/dev/null && left=1 && break
        done
        [ "$left" = 1 ] || break
        sleep 0.1
    done
    for name in "${SV_NAMES[@]}"; do
        pid=${SV_PID[$name]:-0}
        [ "$pid" != 0 ] && kill -0 "$pid" 2>/dev/null && kill "$pid" 2>/dev/null && SV_STOPPED[$name]=1
    done
    for name in "${SV_NAMES[@]}"; do
        pid=${SV_PID[$name]:-0}
        [ "$pid" != 0 ] || continue
        status=0
        wait "$pid" 2>/dev/null || status=$?
        SV_PID[$name]=0
        SV_STATUS[$name]=$status
    done
}
