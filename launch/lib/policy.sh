# shellcheck shell=bash disable=SC2034   # the table below is read by name
#  policy.sh — when a stage that ended is started again: the one restart
#  policy of eod, for the two ways the stages run.
#
#    once     `launch/eod run` and `backfill`: every stage with --once, the
#             run ends when the notifier has reported it;
#    service  `launch/eod service` and the systemd units (launch/systemd/):
#             every stage long-lived, one run after another.
#
#  launch/lib/supervise.sh asks this file what to do with each stage that
#  ends; tests/ops/test_units.sh checks that every unit's restart lines are
#  the ones policy_systemd_lines derives from the table below. Sourced; sets
#  nothing but the POLICY_ variables and defines the policy_ functions.
#
#  An ending is one of four classes, from the stage's exit status:
#
#    stopped   exit 0, or killed by SIGHUP, SIGINT, SIGTERM or SIGPIPE:
#              the stage ended its work or was told to (systemd's "clean")
#    failed    exit 1 partial, 3 an outside service unreachable, 4 internal
#    config    exit 2, usage or config error, or 5, incomplete (a session not
#              published yet: its codes are in state/gaps/ and a later run
#              fills them): a restart cannot help
#    crashed   killed by any other signal (kill -9, a crash)
#
#  class      once                                service
#  stopped    ended                               ended, not started again
#  failed     ended (its code counts)             started again after 15 s
#  config     ended (its code counts)             not started again
#  crashed    started again at once, if the       started again after 15 s
#             stage resumes its run (below)
#  limit      EOD_RESTARTS (3) restarts a stage   10 starts of a stage in 10 min
#             in the run                          (then: not started again)
#
#  In a one-shot run only a crash is worth a restart: any other ending is
#  the stage's verdict on the run. The stages that take a run up again are
#  the coordinator (from its ledger, started with --resume), the writer (its
#  journal), the uploader (its journal of files received), the notifier and
#  the fetchers; the calendar gate and the lister would start the run over.

#  The table, read by name (POLICY_<what>_<mode>):
#  Classes each mode restarts, in the order of the table.
POLICY_RESTART_once="crashed"
POLICY_RESTART_service="failed crashed"
#  Stages each mode restarts ("*": all).
POLICY_STAGES_once="coordinator writer uploader notifier fetcher"
POLICY_STAGES_service="*"
#  Seconds before a restart.
POLICY_DELAY_once=0
POLICY_DELAY_service=15
#  At most BURST starts of a stage within INTERVAL seconds (0: the whole
#  run); the first start counts, as in systemd's StartLimitBurst.
POLICY_BURST_once=$(( ${EOD_RESTARTS:-3} + 1 ))
POLICY_INTERVAL_once=0
POLICY_BURST_service=10
POLICY_INTERVAL_service=600
#  Arguments added when a stage is started again.
POLICY_RESUME_ARGS_once_coordinator="--resume"

#  Exit codes of the class "config": an immediate restart cannot help.
POLICY_CONFIG_CODES="2 5"

#  Signals that stop a stage on purpose: a death by one of them is "stopped".
POLICY_CLEAN_SIGNALS="1 2 13 15"     #  SIGHUP SIGINT SIGPIPE SIGTERM
POLICY_SIGNAL_BASE=128               #  the shell's status of a death by signal N: 128 + N

#  policy_class STATUS: prints stopped, failed, config or crashed.
policy_class() {
    local status=$1
    if [ "$status" -gt "$POLICY_SIGNAL_BASE" ]; then
        case " $POLICY_CLEAN_SIGNALS " in
            *" $((status - POLICY_SIGNAL_BASE)) "*) echo stopped ;;
            *) echo crashed ;;
        esac
        return
    fi
    if [ "$status" = 0 ]; then
        echo stopped
    elif [[ " $POLICY_CONFIG_CODES " == *" $status "* ]]; then
        echo config
    else
        echo failed
    fi
}

#  policy_restarts MODE STAGE STATUS: true when the policy starts the stage
#  again after it ended with STATUS (limits aside). STAGE may be an
#  instance (fetcher-3).
policy_restarts() {
    local mode=$1 stage=${2%%-*} class stages restart
    class=$(policy_class "$3")
    stages=POLICY_STAGES_$mode restart=POLICY_RESTART_$mode
    [[ " ${!restart} " == *" $class "* ]] || return 1
    [ "${!stages}" = "*" ] || [[ " ${!stages} " == *" $stage "* ]]
}

#  policy_describe STATUS: how a stage ended, for messages ("died (signal
#  9)", "exited with 3").
policy_describe() {
    if [ "$1" -gt "$POLICY_SIGNAL_BASE" ]; then
        printf 'died (signal %d)\n' "$(($1 - POLICY_SIGNAL_BASE))"
    else
        printf 'exited with %d\n' "$1"
    fi
}

#  policy_limit MODE: the mode's start limit, for messages ("10 starts in 10
#  min", "4 starts in the run").
policy_limit() {
    local burst=POLICY_BURST_$1 interval=POLICY_INTERVAL_$1
    if [ "${!interval}" = 0 ]; then
        echo "${!burst} starts in the run"
    else
        echo "${!burst} starts in $((${!interval} / 60)) min"
    fi
}

#  policy_exit_code STATUS: a stage's status as the launcher's exit code: a
#  death by signal is an internal error (4).
policy_exit_code() {
    if [ "$1" -gt "$POLICY_SIGNAL_BASE" ]; then echo 4; else echo "$1"; fi
}

#  policy_worse A B: the worse of two exit codes, for a run of several stages
#  or markets: 4 internal, 3 unreachable, 2 usage, 5 incomplete (run again
#  later), 1 partial, 0; a code that is none of these counts as internal.
policy_worse() {
    local r
    for r in 4 3 2 5 1; do
        if [ "$1" = "$r" ] || [ "$2" = "$r" ]; then echo "$r"; return; fi
    done
    if [ "$1" != 0 ] || [ "$2" != 0 ]; then echo 4; else echo 0; fi
}

#  policy_systemd_lines: the restart lines every unit of launch/systemd/ must
#  hold, derived from the service mode's row. systemd's Restart=on-failure
#  restarts on a non-zero exit and on a death by an unclean signal, which is
#  "failed" and "crashed" above; RestartPreventExitStatus takes "config" out.
policy_systemd_lines() {
    local set=" $POLICY_RESTART_service " restart
    has() { [[ $set == *" $1 "* ]]; }
    if has stopped && has failed && has crashed; then restart=always
    elif has failed && has crashed && ! has stopped; then restart=on-failure
    elif has crashed && ! has failed && ! has config && ! has stopped; then restart=on-abnormal
    else
        echo "policy.sh: no Restart= value restarts just:$set" >&2
        return 1
    fi
    echo "Restart=$restart"
    if [ "$restart" != on-abnormal ] && ! has config; then echo "RestartPreventExitStatus=$POLICY_CONFIG_CODES"; fi
    echo "RestartSec=${POLICY_DELAY_service}s"
    if [ $((POLICY_INTERVAL_service % 60)) = 0 ]; then
        echo "StartLimitIntervalSec=$((POLICY_INTERVAL_service / 60))min"
    else
        echo "StartLimitIntervalSec=${POLICY_INTERVAL_service}s"
    fi
    echo "StartLimitBurst=$POLICY_BURST_service"
}
