"""Ages on the reader's pages ("7 hours ago"): Django's naturaltime words, the exact time on hover."""

from __future__ import annotations

import re
from datetime import timedelta

from django.contrib.humanize.templatetags.humanize import naturaltime
from django.utils import timezone

from newsdesk.web.templatetags.newsdesk import age, words_ago

# Half a second off each whole unit, so that the moment naturaltime reads the clock cannot tip a count.
DELTAS = [timedelta(seconds=s + 0.5) for s in (0, 1, 2, 59, 60, 61, 119, 3599, 3600, 7199, 86399)] + [
    timedelta(days=d, hours=h, minutes=m, seconds=0.5)
    for d in (1, 2, 6, 7, 13, 27, 28, 29, 30, 31, 45, 59, 60, 61, 89, 179, 364, 365, 366, 400, 730, 1000)
    for h, m in ((0, 0), (0, 1), (3, 0), (23, 59))]


def test_ages_read_as_djangos_naturaltime_says_from_a_second_to_years_ago():
    for delta in DELTAS:
        now = timezone.now()
        when = now - delta
        assert words_ago(when, now) == naturaltime(when), delta


def test_a_moment_in_the_future_reads_as_naturaltime_says_too():
    when = timezone.now() + timedelta(hours=2, minutes=30)
    assert words_ago(when) == naturaltime(when)


def test_the_age_shows_the_exact_local_time_on_hover(settings):
    settings.TIME_ZONE = "Europe/Kyiv"
    when = timezone.now() - timedelta(hours=7, minutes=3)
    local = timezone.localtime(when)
    html = str(age(when))
    assert re.fullmatch(r'<time datetime="[^"]+" title="[^"]+">7\xa0hours ago</time>', html)
    assert f'datetime="{local.isoformat()}"' in html
    assert f'title="{local.day} {local:%B} {local.year}, {local:%H:%M} {local.tzname()}"' in html
