# shellcheck shell=bash
#  service.sh — `launch/eod service`: every stage long-lived (no --once), as
#  the systemd units run them (launch/systemd/), in the foreground, under the
#  supervisor (supervise.sh, mode "service": the restart policy the units
#  follow too). The calendar starts each market's run on [schedule]. A usage
#  or config error (2), or a stage that used its starts, stops them all;
#  SIGINT or SIGTERM stops them all. Sourced by launch/eod.

cmd_service() {
    local config=${EOD_CONFIG:-} fetchers=""
    while [ $# -gt 0 ]; do
        case $1 in
            --config|--fetchers) arg_value service "$1" 1 "$@" ;;
            *) usage_error "service: unknown option $1" ;;
        esac
        case $1 in
            --config) arg_file service --config "$2"; config=$2 ;;
            --fetchers) arg_count service --fetchers "$2" 0 "$ARGS_FETCHERS_MAX"; fetchers=$((10#$2)) ;;
        esac
        shift 2
    done
    local cfg
    cfg=$(checked_config service "$config" calendar "$fetchers") || exit 2
    [ -n "$fetchers" ] || fetchers=$(config_fetchers "$cfg")
    [[ ${EOD_SERVICE_RESTART_S:-0} =~ ^[0-9]+$ ]] || die "service: EOD_SERVICE_RESTART_S is whole seconds"
    local logs=${EOD_LOG_DIR:-$ROOT/state/logs/service-$(date -u +%Y%m%dT%H%M%SZ)-$$}
    mkdir -p "$logs"
    say "service: logs in $logs; stop with Ctrl-C or SIGTERM"
    sv_init service "$logs" "$cfg" s_service_on_end
    local name i
    for name in notifier uploader writer coordinator lister calendar; do sv_start "$name"; done
    for i in $(seq 1 "$fetchers"); do sv_start "fetcher-$i"; done
    SERVICE_RC=""
    trap 'SERVICE_RC=${SERVICE_RC:-0}' INT TERM
    while [ -z "$SERVICE_RC" ]; do
        sleep "$SV_POLL_S" || true
        [ -n "$SERVICE_RC" ] || sv_step
        s_service_any_left || SERVICE_RC=${SERVICE_RC:-0}
    done
    sv_stop 0
    say "service: stopped"
    return "$SERVICE_RC"
}

#  The supervisor's call for a stage it did not start again.
s_service_on_end() {   # NAME STATUS WHY
    local name=$1 status=$2 why=$3 how
    [ -n "$SERVICE_RC" ] && return 0
    how=$(policy_describe "$status")
    case $why:$(policy_class "$status") in
        policy:config)
            say "service: $name exited with a usage or config error (see $SV_LOGS/$name.log): stopping"
            SERVICE_RC=2 ;;
        limit:*)
            say "service: $name $how after $(policy_limit service): stopping"
            SERVICE_RC=$(policy_exit_code "$status") ;;
        *)
            say "service: $name $how: it was stopped, not starting it again" ;;
    esac
}

#  True while a stage runs or waits to be started again.
s_service_any_left() {
    local name
    for name in "${SV_NAMES[@]}"; do sv_running "$name" && return 0; done
    return 1
}
