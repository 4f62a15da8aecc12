# shellcheck shell=bash
#  args.sh — the checks of launch/eod's flags. Every command reads its whole
#  command line through these before it builds, makes a directory or starts
#  a stage: a flag without its value, a value that is not one (a date that
#  is not in the calendar, a count that is not a number) or flags that
#  contradict each other end the launcher with exit 2, one line saying why,
#  and the usage. Sourced by launch/eod (usage and say come from there).

ARGS_FETCHERS_MAX=256   #  as [pipeline] fetchers

#  usage_error WHY: the reason, the usage, exit 2.
usage_error() {
    say "$1"
    usage >&2
    exit 2
}

#  arg_value CMD FLAG N ARGS...: FLAG (at the head of ARGS) is followed by N
#  values, none empty and none a flag itself.
arg_value() {
    local cmd=$1 flag=$2 n=$3 i
    shift 3
    for ((i = 2; i <= n + 1; i++)); do
        [ $# -ge "$i" ] || usage_error "$cmd: $flag needs $n value(s)"
        local v=${!i}
        [ -n "$v" ] || usage_error "$cmd: $flag: an empty value"
        [[ $v != --* ]] || usage_error "$cmd: $flag needs a value, not the flag $v"
    done
}

#  s_days_in MONTH YEAR: days of that month (the Gregorian calendar).
s_days_in() {
    local m=$1 y=$2
    case $m in
        4|6|9|11) echo 30 ;;
        2) if ((y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))); then echo 29; else echo 28; fi ;;
        *) echo 31 ;;
    esac
}

#  arg_date CMD FLAG VALUE: YYYY-MM-DD, a real date of 1900..2999 (the
#  message grammar's), so 2024-02-30 and 2024-13-45 are refused here.
arg_date() {
    local cmd=$1 flag=$2 d=$3
    [[ $d =~ ^([0-9]{4})-([0-9]{2})-([0-9]{2})$ ]] || usage_error "$cmd: $flag '$d' is not a date (YYYY-MM-DD)"
    local y=$((10#${BASH_REMATCH[1]})) m=$((10#${BASH_REMATCH[2]})) day=$((10#${BASH_REMATCH[3]}))
    ((y >= 1900 && y <= 2999)) || usage_error "$cmd: $flag '$d': the year is outside 1900..2999"
    ((m >= 1 && m <= 12)) || usage_error "$cmd: $flag '$d': there is no month $m"
    ((day >= 1 && day <= $(s_days_in "$m" "$y"))) || usage_error "$cmd: $flag '$d' is not in the calendar"
}

#  arg_month CMD FLAG VALUE: YYYYMM of 1900..2999.
arg_month() {
    local cmd=$1 flag=$2 v=$3
    [[ $v =~ ^([0-9]{4})([0-9]{2})$ ]] || usage_error "$cmd: $flag '$v' is not a month (YYYYMM)"
    local y=$((10#${BASH_REMATCH[1]})) m=$((10#${BASH_REMATCH[2]}))
    ((y >= 1900 && y <= 2999 && m >= 1 && m <= 12)) || usage_error "$cmd: $flag '$v' is not a month (YYYYMM)"
}

#  arg_market CMD VALUE CHOICES: one of the space-separated CHOICES.
arg_market() {
    [[ " $3 " == *" $2 "* ]] || usage_error "$1: --market '$2': must be ${3// / or }"
}

#  arg_count CMD FLAG VALUE MIN MAX: a whole number in MIN..MAX.
arg_count() {
    local cmd=$1 flag=$2 v=$3
    [[ $v =~ ^[0-9]{1,6}$ ]] && (((10#$v) >= $4 && (10#$v) <= $5)) \
        || usage_error "$cmd: $flag '$v': a whole number of $4..$5"
}

#  arg_file CMD FLAG PATH: an existing, readable, regular file.
arg_file() {
    local cmd=$1 flag=$2 f=$3
    [ -e "$f" ] || usage_error "$cmd: $flag $f: no such file"
    [ -f "$f" ] || usage_error "$cmd: $flag $f: not a regular file"
    [ -r "$f" ] || usage_error "$cmd: $flag $f: not readable"
}

#  arg_range CMD FROM TO: both or neither, FROM not after TO.
arg_range() {
    local cmd=$1 from=$2 to=$3
    [ -n "$from" ] || [ -z "$to" ] || usage_error "$cmd: --to without --from"
    [ -n "$to" ] || [ -z "$from" ] || usage_error "$cmd: --from without --to"
    [[ -z $from || ! $from > $to ]] || usage_error "$cmd: --from $from is after --to $to"
}

#  arg_fetchers_zero CMD CONFIG N: --fetchers 0 starts no fetcher here, which
#  only makes sense when they connect from other hosts (a tcp:// [endpoints]
#  fetchers); otherwise the run would wait for ever. Needs the build.
arg_fetchers_zero() {
    [ "$3" = 0 ] || return 0
    local ep
    ep=$("$BIN/eod-coordinator" --config "$2" --get endpoints:fetchers 2>/dev/null) || ep=""
    [[ $ep == tcp://* ]] || usage_error "$1: --fetchers 0 starts no fetcher, and [endpoints] fetchers ($ep) takes none from another host"
}
