"""The real processes: a worker polling feeds, and `newsdesk run --demo` serving a populated site."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest
from django.db import connection

from newsdesk.catalog.subscriptions import subscribe
from newsdesk.store.models import Article, Feed, Story
from tests_support import database_url

WAIT_SECONDS = 180  # a deadline, not a timing: `run --demo` starts several processes (web, worker, assigner), slow on a loaded machine


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition, what: str):
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError(f"gave up after {WAIT_SECONDS} s waiting for {what}")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.mark.django_db(transaction=True)
def test_worker_process_polls_a_subscribed_feed_into_stories(simulator, tmp_path):
    from huey.contrib.djhuey import HUEY

    HUEY.flush()
    feed_url = simulator.feed_urls()[3]
    subscribe(feed_url)
    expected = len(simulator.items(feed_url))
    environment = {**os.environ, "NEWSDESK_DATABASE_URL": database_url(), "NEWSDESK_QUEUE_WORKERS": "2"}
    if not os.environ.get("NEWSDESK_REDIS_URL"):
        environment["NEWSDESK_DATA_DIR"] = str(tmp_path)  # its own SQLite queue
    connection.close()
    worker = subprocess.Popen([sys.executable, "-m", "newsdesk.cli", "worker"], env=environment)
    try:
        wait_for(lambda: Article.objects.filter(feed__url=feed_url, story__isnull=False).count() == expected,
                 f"{expected} articles in their stories")
    finally:
        stop(worker)
    feed = Feed.objects.get(url=feed_url)
    assert feed.status == Feed.Status.OK and feed.last_success is not None
    assert not Article.objects.filter(feed=feed, story=None).exists()
    for story in Story.objects.filter(articles__feed=feed).distinct():
        assert story.article_count == story.articles.count() >= 1


def test_first_start_subscribes_to_the_world_news_list_once(tmp_path):
    script = (
        "from newsdesk.cli import setup_django, prepare_database\n"
        "setup_django()\n"
        "from newsdesk.store.models import Feed\n"
        "prepare_database(subscribe=True)\n"
        "print(Feed.objects.count())\n"
        "Feed.objects.all().delete()\n"
        "prepare_database(subscribe=True)\n"
        "print(Feed.objects.count())\n"
    )
    environment = {**os.environ, "NEWSDESK_DATA_DIR": str(tmp_path), "NEWSDESK_DATABASE_URL": "", "NEWSDESK_REDIS_URL": ""}
    result = subprocess.run([sys.executable, "-c", script], env=environment, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    first, after_deleting = [int(n) for n in result.stdout.split()[-2:]]
    assert first >= 18 and after_deleting == 0


def test_run_demo_serves_a_populated_front_page_without_internet(tmp_path):
    port = free_port()
    environment = {**os.environ, "NEWSDESK_DATA_DIR": str(tmp_path), "NEWSDESK_PORT": str(port),
                   "NEWSDESK_DATABASE_URL": "", "NEWSDESK_REDIS_URL": "", "NEWSDESK_WEB_WORKERS": "1"}
    process = subprocess.Popen([sys.executable, "-m", "newsdesk.cli", "run", "--demo"], env=environment,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        def front_page_with_stories():
            try:
                page = httpx.get(f"http://127.0.0.1:{port}/", timeout=5).text
            except httpx.HTTPError:
                return None
            return page if "story-link" in page else None

        page = wait_for(front_page_with_stories, "the front page to list stories")
        assert "ago</time>" in page
    finally:
        stop(process)
    output = process.stdout.read()
    assert f"Newsdesk is running at http://127.0.0.1:{port}/" in output
    assert process.returncode == 0, output


def children_of(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    if int(stat.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.append(int(entry))
            except (OSError, IndexError, ValueError):
                continue
    return found


def running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL], ids=["stopped", "killed"])
def test_a_worker_stopped_or_killed_outright_leaves_no_assigner_process_behind(tmp_path, how):
    environment = {**os.environ, "NEWSDESK_DATA_DIR": str(tmp_path), "NEWSDESK_DATABASE_URL": "", "NEWSDESK_REDIS_URL": ""}
    subprocess.run([sys.executable, "-m", "newsdesk.cli", "migrate"], env=environment, check=True, capture_output=True, timeout=120)
    worker = subprocess.Popen([sys.executable, "-m", "newsdesk.cli", "worker"], env=environment,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assigners = wait_for(lambda: children_of(worker.pid), "the worker's assigner process")
        assert worker.poll() is None, "the worker should be running"
        worker.send_signal(how)
        worker.wait(timeout=60)
        wait_for(lambda: not any(running(pid) for pid in assigners), "its assigner process to stop")
    finally:
        stop(worker)
