"""eod under Apache Airflow: one DAG per market, each calling `launch/eod run`.

For teams that keep Airflow as their scheduler instead of the systemd units in
launch/systemd/. Each task runs one whole one-shot pipeline run
(`launch/eod run --market M`), which starts the stages, waits for the run and
exits with the pipeline's code:

    0  complete, or the market was closed that day (the calendar gate decides;
       the run posts a notice): the task succeeds
    1  partial (some codes failed after the pipeline's own retries): the task
       fails and Airflow retries it; the run is resumable, so a retry asks
       only for what is missing
    2  usage or config error   3  an outside service unreachable   4  internal

    eod_kr  18:00 Asia/Seoul, Mon-Fri, after the KIS master files refresh:
            --date is the Seoul date of the run's data_interval_end.
    eod_us  07:30 Asia/Seoul, Tue-Sat, after the New York close: no --date, so
            the calendar gate takes the latest closed XNYS session.

EOD_HOME, the path of the eod checkout on the worker, comes from the Airflow
Variable EOD_HOME or, when that is not set, the worker's environment. A manual
trigger may pin the session with the run config {"date": "YYYY-MM-DD"}.
See launch/airflow/README.md.

The helpers above the DAG definitions use only the standard library, so they
can be imported and tested without Airflow.
"""
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

SEOUL = "Asia/Seoul"
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


def us_date_args(conf=None):
    """`--date D` when a manual trigger pinned a date, else "" (the program
    takes the latest closed XNYS session)."""
    pinned = conf_date(conf)
    return "--date " + pinned if pinned else ""


def eod_command(market, date_args):
    """The bash command of one run. date_args is a Jinja expression that
    renders to the --date argument (or to nothing). The checkout is the
    Airflow Variable EOD_HOME, else $EOD_HOME on the worker; its config is
    $EOD_CONFIG, else config/config.ini of the checkout (launch/eod's default).
    """
    return (
        "set -eu\n"
        "home=\"{{ var.value.get('EOD_HOME', '') }}\"\n"
        "home=\"${home:-${EOD_HOME:-}}\"\n"
        "if [ -z \"$home\" ] || [ ! -x \"$home/launch/eod\" ]; then\n"
        "  echo \"eod: set the Airflow Variable EOD_HOME (or EOD_HOME on the worker)"
        " to the eod checkout; got '$home'\" >&2\n"
        "  exit 2\n"
        "fi\n"
        "exec \"$home/launch/eod\" run --market " + market + " " + date_args + "\n"
    )


KR_DATE_ARGS = "--date {{ eod_kr_session_date(data_interval_end, dag_run.conf) }}"
US_DATE_ARGS = "{{ eod_us_date_args(dag_run.conf) }}"
MACROS = {"eod_kr_session_date": kr_session_date, "eod_us_date_args": us_date_args}

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
        BashOperator(task_id="run_kr", bash_command=eod_command("kr", KR_DATE_ARGS))

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
        BashOperator(task_id="run_us", bash_command=eod_command("us", US_DATE_ARGS))
