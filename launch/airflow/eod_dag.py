"""eod under Apache Airflow: one DAG per market, each calling `launch/eod run`,
and one DAG that backfills a range of sessions.

For teams that keep Airflow as their scheduler instead of the systemd units in
launch/systemd/. Each task runs one whole one-shot pipeline run (`launch/eod
run` or `launch/eod backfill`), which starts the stages, waits for the run and
exits with the pipeline's code:

    0  complete, or the market was closed that day (the calendar gate decides;
       the run posts a notice): the task succeeds
    1  partial (some codes failed after the pipeline's own retries): the task
       fails and Airflow retries it; the run is resumable, so a retry asks
       only for what is missing
    5  incomplete (the session was not published yet): the task fails and
       Airflow retries it later; the retry is the same run and asks only for
       the codes that had no row yet
    2  usage or config error (also a --date whose session has not closed)
    3  an outside service unreachable   4  internal

    eod_kr        18:00 Asia/Seoul, Mon-Fri, after the KIS master files refresh:
                  --date is the Seoul date of the run's data_interval_end.
    eod_us        07:30 Asia/Seoul, Tue-Sat, after the New York close: --date
                  is the New York date of data_interval_end (17:30 or 18:30
                  there, the evening of the session).
    eod_backfill  no schedule: triggered with {"market": "kr", "from":
                  "YYYY-MM-DD", "to": "YYYY-MM-DD"}, it runs `launch/eod
                  backfill` over that range (100 sessions a request).

Every scheduled run names its session, so clearing an old task or `airflow dags
backfill -s FROM -e TO eod_kr` redoes those sessions, and never the latest one
instead. EOD_HOME, the path of the eod checkout on the worker, comes from the
Airflow Variable EOD_HOME or, when that is not set, the worker's environment. A
manual trigger of eod_kr or eod_us may pin the session with the run config
{"date": "YYYY-MM-DD"}. See launch/airflow/README.md.

The helpers above the DAG definitions use only the standard library, so they
can be imported and tested without Airflow.
"""
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

SEOUL = "Asia/Seoul"
NEW_YORK = "America/New_York"
MARKETS = ("kr", "us")
KR_CRON = "0 18 * * 1-5"      # Mon-Fri 18:00 Seoul: KRX closed at 15:30
US_CRON = "30 7 * * 2-6"      # Tue-Sat 07:30 Seoul: 17:30/18:30 New York the day before
DEFAULT_ARGS = {
    "owner": "eod",
    "retries": 3,
    "retry_delay": timedelta(minutes=10),
    "retry_exponential_backoff": True,
    "max_retry_delay": timedelta(hours=1),
    "execution_timeout": timedelta(hours=2),
}
_DATE_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def conf_date(conf):
    """The date a manual trigger pinned ({"date": "YYYY-MM-DD"}), or None.

    Anything else under "date" raises ValueError: the value goes into a shell
    command, so only a well-formed calendar date is let through.
    """
    if not conf or conf.get("date") in (None, ""):
        return None
    value = conf["date"]
    if not isinstance(value, str) or not _DATE_RE.match(value):
        raise ValueError("dag_run.conf date must be YYYY-MM-DD, got %r" % (value,))
    datetime.strptime(value, "%Y-%m-%d")
    return value


def kr_session_date(data_interval_end, conf=None):
    """The KR session of a run: the pinned date, else the Seoul calendar date
    of data_interval_end (an aware datetime; pendulum's is one).

    The 18:00 run of a Monday has data_interval_end = that Monday 18:00 Seoul,
    whatever time zone Airflow keeps its timestamps in.
    """
    pinned = conf_date(conf)
    if pinned:
        return pinned
    if data_interval_end.tzinfo is None:
        raise ValueError("data_interval_end must be time-zone aware")
    return data_interval_end.astimezone(ZoneInfo(SEOUL)).strftime("%Y-%m-%d")


def us_session_date(data_interval_end, conf=None):
    """The US session of a run: the pinned date, else the New York calendar
    date of data_interval_end (an aware datetime).

    The 07:30 Seoul run of a Saturday is 18:30 (EDT) or 17:30 (EST) on Friday
    in New York: after the 16:00 close (13:00 on early-close days) and before
    midnight there, so its date is the session that just closed. After a US
    holiday it is the holiday, and the calendar gate posts the closed notice
    instead of fetching an older session again.
    """
    pinned = conf_date(conf)
    if pinned:
        return pinned
    if data_interval_end.tzinfo is None:
        raise ValueError("data_interval_end must be time-zone aware")
    return data_interval_end.astimezone(ZoneInfo(NEW_YORK)).strftime("%Y-%m-%d")


def backfill_args(conf):
    """`--market M --from F --to T` of a backfill trigger's run config
    ({"market": "kr"|"us", "from": "YYYY-MM-DD", "to": "YYYY-MM-DD"}).

    Anything else raises ValueError: the values go into a shell command. The
    calendar gate ends the range at the latest closed session.
    """
    conf = conf or {}
    market = conf.get("market")
    if market not in MARKETS:
        raise ValueError("dag_run.conf market must be one of %s, got %r" % (", ".join(MARKETS), market))
    first = conf_date({"date": conf.get("from")})
    last = conf_date({"date": conf.get("to")})
    if not first or not last or first > last:
        raise ValueError("dag_run.conf needs from <= to, both YYYY-MM-DD, got %r..%r"
                         % (conf.get("from"), conf.get("to")))
    return "--market %s --from %s --to %s" % (market, first, last)


def eod_command(args, timeout=None):
    """The bash command of one run: launch/eod with args, a Jinja expression
    that renders to its arguments; timeout (a timedelta) is launch/eod's own
    deadline (EOD_RUN_TIMEOUT, 2 hours when not given). The checkout is the
    Airflow Variable EOD_HOME, else $EOD_HOME on the worker; its config is
    $EOD_CONFIG, else config/config.ini of the checkout (launch/eod's default).
    """
    deadline = "export EOD_RUN_TIMEOUT=%d\n" % int(timeout.total_seconds()) if timeout else ""
    return (
        "set -eu\n" + deadline +
        "home=\"{{ var.value.get('EOD_HOME', '') }}\"\n"
        "home=\"${home:-${EOD_HOME:-}}\"\n"
        "if [ -z \"$home\" ] || [ ! -x \"$home/launch/eod\" ]; then\n"
        "  echo \"eod: set the Airflow Variable EOD_HOME (or EOD_HOME on the worker)"
        " to the eod checkout; got '$home'\" >&2\n"
        "  exit 2\n"
        "fi\n"
        "exec \"$home/launch/eod\" " + args + "\n"
    )


KR_ARGS = "run --market kr --date {{ eod_kr_session_date(data_interval_end, dag_run.conf) }}"
US_ARGS = "run --market us --date {{ eod_us_session_date(data_interval_end, dag_run.conf) }}"
BACKFILL_ARGS = "backfill {{ eod_backfill_args(dag_run.conf) }}"
MACROS = {"eod_kr_session_date": kr_session_date, "eod_us_session_date": us_session_date,
          "eod_backfill_args": backfill_args}

try:
    import pendulum
    from airflow import DAG
    from airflow.operators.bash import BashOperator
except ModuleNotFoundError:   # imported for its helpers, outside Airflow
    DAG = None

if DAG is not None:
    START = pendulum.datetime(2024, 1, 1, tz=SEOUL)

    with DAG(
        dag_id="eod_kr",
        description="KOSPI/KOSDAQ end-of-day prices (eod), 18:00 Seoul",
        schedule=KR_CRON,
        start_date=START,
        catchup=False,
        max_active_runs=1,
        default_args=DEFAULT_ARGS,
        user_defined_macros=MACROS,
        tags=["eod", "kr"],
    ) as eod_kr:
        BashOperator(task_id="run_kr", bash_command=eod_command(KR_ARGS))

    with DAG(
        dag_id="eod_us",
        description="S&P 500 / NASDAQ-100 / Dow 30 end-of-day prices (eod), 07:30 Seoul",
        schedule=US_CRON,
        start_date=START,
        catchup=False,
        max_active_runs=1,
        default_args=DEFAULT_ARGS,
        user_defined_macros=MACROS,
        tags=["eod", "us"],
    ) as eod_us:
        BashOperator(task_id="run_us", bash_command=eod_command(US_ARGS))

    #  A range of sessions in one run: trigger with the run config
    #  {"market": "kr", "from": "2024-08-01", "to": "2024-08-31"}
    #  (`airflow dags trigger eod_backfill --conf '{...}'`).
    BACKFILL_TIMEOUT = timedelta(hours=12)
    with DAG(
        dag_id="eod_backfill",
        description="eod backfill of a range of sessions (manual trigger with market, from, to)",
        schedule=None,
        start_date=START,
        catchup=False,
        max_active_runs=1,
        default_args=dict(DEFAULT_ARGS, execution_timeout=BACKFILL_TIMEOUT),
        user_defined_macros=MACROS,
        tags=["eod", "backfill"],
    ) as eod_backfill:
        BashOperator(task_id="backfill", bash_command=eod_command(BACKFILL_ARGS, BACKFILL_TIMEOUT))
