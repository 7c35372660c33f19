"""The daily check runs for every forum and is registered with RQ's cron."""

from app import jobs_rules
from app.extensions import rq


def test_the_daily_check_is_registered_with_cron(app):
    functions = [item["func"] for item in rq._cron_job_data]
    assert functions.count(jobs_rules.check_all_forums) == 1


def test_the_daily_check_of_all_forums_runs(app, forum, make_forum):
    make_forum()
    assert jobs_rules.check_all_forums() == 0  # nothing due: nothing sent
