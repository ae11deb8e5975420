"""The `newsdesk` command: thin subcommands that delegate to the library."""

from __future__ import annotations

import gc
import json
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import click

from newsdesk import config


def setup_django() -> None:
    """Load settings (failing with the config error, not a traceback) and start Django."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")
    try:
        config.load()
    except config.ConfigError as error:
        raise click.ClickException(str(error)) from None
    import django

    django.setup()


def setup_database() -> None:
    """Start Django and bring the tables up to date, so every command works on a new data folder."""
    setup_django()
    prepare_database(subscribe=False)


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.pass_context
def main(ctx: click.Context) -> None:
    """Newsdesk: a self-hosted news aggregator."""
    if ctx.invoked_subcommand is None:
        click.echo(ctx.get_help())


@main.command("settings")
def show_settings() -> None:
    """Print every setting with its value and one-line help."""
    try:
        values = config.load()
    except config.ConfigError as error:
        raise click.ClickException(str(error)) from None
    for setting in config.SETTINGS:
        value = values[setting.name]
        if setting.name == "SECRET_KEY" and value:
            value = "(set)"
        click.echo(f"NEWSDESK_{setting.name}={value}")
        click.echo(f"    {setting.help} Default: {setting.default or '(unset)'}")


@main.command()
def migrate() -> None:
    """Create or update the database tables."""
    setup_django()
    prepare_database(subscribe=False)


def prepare_database(subscribe: bool) -> None:
    """Apply migrations; on the very first start, subscribe to the bundled world-news list."""
    from django.core.management import call_command
    from django.db import connection

    from django.db.migrations.executor import MigrationExecutor

    fresh = "store_feed" not in connection.introspection.table_names()
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        call_command("migrate", interactive=False, verbosity=0)
    if fresh and subscribe:
        from newsdesk.catalog.subscriptions import subscribe_defaults

        report = subscribe_defaults()
        click.echo(f"First start: subscribed to {len(report.added)} world-news feeds (edit them in the admin).")


@main.command()
@click.argument("url")
@click.option("--no-discover", is_flag=True, help="Subscribe to URL as given, without looking at it first.")
def add(url: str, no_discover: bool) -> None:
    """Subscribe to the feed at URL, or to the main feed of the site at URL."""
    setup_database()
    from newsdesk.catalog.subscriptions import SubscribeError, check_feed_url, subscribe
    from newsdesk.ingest.discovery import DiscoveryError, discover_feeds
    from newsdesk.ingest.fetch import create_client
    from newsdesk.ingest.politeness import polite_slot
    from newsdesk.ingest.refresh import limits_from_settings

    try:
        check_feed_url(url)
    except SubscribeError as error:
        raise click.ClickException(str(error)) from None
    found = [url]
    if not no_discover:
        limits = limits_from_settings()
        with create_client(limits) as client:
            try:
                found = discover_feeds(client, url, limits, slot=polite_slot)
            except DiscoveryError as error:
                if error.reachable:
                    raise click.ClickException(str(error)) from None
                click.echo(f"Could not look at {url} now ({error}); subscribing to it as given.", err=True)
    feed, created = subscribe(found[0])
    click.echo(f"{'Subscribed to' if created else 'Already subscribed to'} {feed.url} (feed {feed.id})")
    for other in found[1:]:
        click.echo(f"  also offered: {other}  (newsdesk add --no-discover {other})")


@main.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON object per feed, for machines.")
@click.option("--failing", is_flag=True, help="Only feeds whose last poll failed.")
def feeds(as_json: bool, failing: bool) -> None:
    """Every feed with its health: status, failures, last success, next attempt, last error."""
    setup_database()
    from newsdesk.store.models import Feed

    rows = Feed.objects.select_related("source").order_by("-consecutive_failures", "url")
    if failing:
        rows = rows.filter(status=Feed.Status.FAILING)
    if as_json:
        for feed in rows:
            click.echo(json.dumps(feed_health(feed)))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("id", "feed", "status", "failures", "last success", "next attempt", "last error", box=None)
    for feed in rows:
        health = feed_health(feed)
        status = health["status"] + (" (needs attention)" if health["needs_attention"] else "")
        table.add_row(str(feed.id), feed.url, status, str(feed.consecutive_failures),
                      short_time(feed.last_success), short_time(feed.next_fetch), feed.last_error[:80])
    Console(width=None if sys.stdout.isatty() else 200).print(table)


def feed_health(feed) -> dict:
    return {
        "id": feed.id, "url": feed.url, "source": feed.source.name, "status": feed.status,
        "consecutive_failures": feed.consecutive_failures, "last_error": feed.last_error,
        "last_success": iso(feed.last_success), "last_fetched": iso(feed.last_fetched),
        "next_fetch": iso(feed.next_fetch), "failing_since": iso(feed.failing_since),
        "needs_attention": feed.needs_attention, "poll_minutes": feed.poll_minutes,
        "websub": feed.websub_state or None,
    }


def iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def short_time(moment) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "-"


@main.command()
@click.option("--feed", "feed_ids", type=int, multiple=True, help="Poll this feed now, due or not (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="One JSON line per feed.")
def fetch(feed_ids: tuple[int, ...], as_json: bool) -> None:
    """Poll every due feed once (or the given ones), then exit."""
    setup_database()
    from django.conf import settings
    from django.db import connection

    from newsdesk.ingest.refresh import refresh_feed
    from newsdesk.ingest.schedule import claim_due_feeds
    from newsdesk.stories.assign import assign_waiting, assigner_turn

    ids = list(feed_ids) or claim_due_feeds(limit=100_000)

    def poll(feed_id: int):
        try:
            return refresh_feed(feed_id)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=settings.NEWSDESK["QUEUE_WORKERS"]) as pool:
        results = list(pool.map(poll, ids))
    if any(result.new_articles for result in results):
        with assigner_turn(wait=True):  # exit only once every stored article has its story
            assign_waiting()
    for result in results:
        if as_json:
            click.echo(json.dumps({"feed": result.feed_id, "status": result.status, "new_articles": result.new_articles,
                                   "error": result.error, "page_errors": result.page_errors}))
        else:
            line = f"feed {result.feed_id}: {result.status}, {result.new_articles} new article(s)"
            click.echo(line + (f" ({result.error})" if result.error else ""))
    if not as_json:
        failed = sum(r.status == "failed" for r in results)
        click.echo(f"{len(results)} feed(s) polled, {sum(r.new_articles for r in results)} new article(s), {failed} failed.")


@main.command("parse-feed")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
def parse_feed_command(paths: tuple[Path, ...]) -> None:
    """Parse feed files; print one JSON line per file (its entries, or its error)."""
    from newsdesk.ingest.parse import parse_files

    for result in parse_files(paths):
        click.echo(json.dumps(result, ensure_ascii=False))


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--url", help="The page's address, for a single file (resolves its relative links).")
def extract(paths: tuple[Path, ...], url: str | None) -> None:
    """Extract article text and metadata from HTML files; print one JSON line per file."""
    from newsdesk.extract import ExtractError, extract_article

    if url and len(paths) > 1:
        raise click.UsageError("--url goes with a single file")
    for path in paths:
        try:
            result = {"path": str(path), **extract_article(path.read_bytes(), url).as_json()}
        except (ExtractError, OSError) as error:
            result = {"path": str(path), "error": str(error) if isinstance(error, ExtractError) else f"extract: cannot read {path} ({error.strerror})"}
        click.echo(json.dumps(result, ensure_ascii=False))


@main.command()
@click.argument("source", type=click.File("r", encoding="utf-8"))
def cluster(source) -> None:
    """Group articles (JSON Lines, stream order) into stories; print {"id", "story"} a line in input order."""
    from newsdesk.stories.stream import cluster_lines

    for result in cluster_lines(source):
        click.echo(json.dumps(result, ensure_ascii=False))


@main.command("import-opml")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_opml_command(path: Path) -> None:
    """Subscribe to every feed of an OPML file."""
    setup_database()
    from newsdesk.catalog.opml import OpmlError
    from newsdesk.catalog.subscriptions import import_opml

    try:
        report = import_opml(path.read_bytes())
    except OpmlError as error:
        raise click.ClickException(str(error)) from None
    for repair in report.repairs:
        click.echo(f"repaired {path.name}: {repair}", err=True)
    for url, reason in report.refused:
        click.echo(f"refused {url}: {reason}", err=True)
    click.echo(f"{len(report.added)} added, {len(report.existing)} already there, {len(report.refused)} refused"
               f", {len(report.repairs)} repair(s) in the file.")


@main.command("export-opml")
def export_opml_command() -> None:
    """Print every subscription as OPML."""
    setup_database()
    from newsdesk.catalog.subscriptions import export_opml

    click.echo(export_opml(), nl=False)


@main.command()
@click.option("--username", default="admin", show_default=True)
@click.option("--email", default="")
@click.password_option(envvar="NEWSDESK_ADMIN_PASSWORD_INPUT", help="Prompted for when not given.")
def createadmin(username: str, email: str, password: str) -> None:
    """Create an administrator account (or reset its password)."""
    setup_database()
    from django.contrib.auth import get_user_model

    user, created = get_user_model().objects.get_or_create(username=username, defaults={"email": email})
    user.is_staff = user.is_superuser = True
    user.set_password(password)
    user.save()
    click.echo(f"{'Created' if created else 'Updated'} administrator {username!r}; sign in at /admin/.")


@main.command()
@click.option("--host", default=None, help="Default: NEWSDESK_HOST.")
@click.option("--port", type=int, default=None, help="Default: NEWSDESK_PORT.")
def web(host: str | None, port: int | None) -> None:
    """Serve the site (gunicorn) until stopped."""
    values = load_config()
    bind = f"{host or values['HOST']}:{port or values['PORT']}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")
    os.execv(sys.executable, [
        sys.executable, "-m", "gunicorn", "newsdesk.wsgi:application", "--bind", bind,
        "--workers", str(values["WEB_WORKERS"]), "--threads", "4",
        "--worker-class", "newsdesk.web.workers.FreeThreadWorker",  # gthread, balanced between the processes
        "--graceful-timeout", "5", "--log-level", "warning",
    ])


@main.command()
def worker() -> None:
    """Run queued jobs and the periodic scheduler until stopped, with an assigner process beside them."""
    setup_django()
    import threading

    from django.core.management import call_command

    import newsdesk.tasks as tasks

    stopped = threading.Event()
    tasks.assigner_process = start_assigner()
    # A process of its own, so that deciding stories does not share a GIL with the ingesting threads.
    threading.Thread(target=keep_assigner, args=(stopped,), name="assigner-keeper", daemon=True).start()
    try:
        tasks.enqueue_due_feeds.call_local()  # poll what is due now rather than at the next minute
        gc.freeze()  # what start-up made lives as long as the process: full collections need not walk it
        call_command("run_huey")
    finally:
        stopped.set()
        stop_child(tasks.assigner_process)


def start_assigner() -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "newsdesk.cli", "assigner", "--worker", str(os.getpid())])


def keep_assigner(stopped) -> None:
    """Start the worker's assigner process again whenever it exits, until the worker stops."""
    import newsdesk.tasks as tasks

    while not stopped.wait(1.0):
        if tasks.assigner_process.poll() is not None:
            click.echo(f"worker: the assigner process exited with status {tasks.assigner_process.returncode}; "
                       "starting another", err=True)
            tasks.assigner_process = start_assigner()


def stop_child(child: subprocess.Popen) -> None:
    if child.poll() is None:
        child.terminate()
    try:
        child.wait(timeout=30)
    except subprocess.TimeoutExpired:
        child.kill()


@main.command()
@click.option("--worker", "worker_pid", type=int, help="Stop when this parent process is gone (how `newsdesk worker` starts it).")
def assigner(worker_pid: int | None) -> None:
    """Give stored articles their stories until stopped (`newsdesk worker` runs one; one at a time leads)."""
    signalled = []
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda number, frame: signalled.append(number))
    setup_django()
    from newsdesk.tasks import serve_assignments

    gc.freeze()  # what start-up made lives as long as the process: full collections need not walk it
    # A worker killed outright (SIGKILL) cannot stop it: it stops by itself, between two batches.
    serve_assignments(lambda: not signalled and (worker_pid is None or os.getppid() == worker_pid))


@main.command()
@click.option("--demo", is_flag=True, help="Also run the publisher simulator and subscribe to it.")
def run(demo: bool) -> None:
    """Run everything on this machine: web, worker and scheduler."""
    values = load_config()
    environment = dict(os.environ)
    children: list[subprocess.Popen] = []
    if demo:
        environment["NEWSDESK_ALLOW_PRIVATE_NETWORKS"] = "true"
        os.environ["NEWSDESK_ALLOW_PRIVATE_NETWORKS"] = "true"
        simulator, feed_urls = start_simulator()
        children.append(simulator)
    setup_django()
    prepare_database(subscribe=values["SUBSCRIBE_DEFAULTS"] and not demo)
    if demo:
        from newsdesk.catalog.subscriptions import subscribe

        for url in feed_urls:
            subscribe(url)
        click.echo(f"Demo: subscribed to {len(feed_urls)} simulated feeds.")
    from django.db import connections

    connections.close_all()
    command = [sys.executable, "-m", "newsdesk.cli"]
    for _ in range(values["WORKER_PROCESSES"]):
        children.append(subprocess.Popen([*command, "worker"], env=environment))
    children.append(subprocess.Popen([*command, "web"], env=environment))
    click.echo(f"Newsdesk is running at http://{values['HOST']}:{values['PORT']}/ (data in {values['DATA_DIR']}); Ctrl-C stops it.")
    supervise(children)


def load_config() -> dict:
    try:
        return config.load()
    except config.ConfigError as error:
        raise click.ClickException(str(error)) from None


def start_simulator() -> tuple[subprocess.Popen, list[str]]:
    """Start `newsdesk simulate` and return it with the feed URLs it printed."""
    process = subprocess.Popen([sys.executable, "-m", "newsdesk.cli", "simulate", "--port", "0"],
                               stdout=subprocess.PIPE, text=True)
    urls: list[str] = []
    assert process.stdout is not None
    for line in process.stdout:
        line = line.strip()
        if not line:
            break
        urls.append(line)
    return process, urls


def wait_for_stop(keep_going=lambda: True) -> bool:
    """Sleep until SIGINT or SIGTERM arrives or keep_going() turns false; return whether a signal came."""
    signalled = False

    def stop(signum, frame):
        nonlocal signalled
        signalled = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    while not signalled and keep_going():
        time.sleep(0.5)
    return signalled


def supervise(children: list[subprocess.Popen]) -> None:
    """Wait until a child exits or we are told to stop; then stop every child."""
    stopping = wait_for_stop(lambda: all(child.poll() is None for child in children))
    for child in children:
        if child.poll() is None:
            child.terminate()
    for child in children:
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()
    failed = [c for c in children if c.returncode not in (0, -signal.SIGTERM, None)]
    if failed and not stopping:
        raise click.ClickException(f"run: a process exited with status {failed[0].returncode}; stopped the others")


@main.command()
@click.option("--hosts", default=4, show_default=True, help="Simulated publishers, one loopback address each.")
@click.option("--feeds-per-host", default=2, show_default=True)
@click.option("--articles-per-feed", default=10, show_default=True)
@click.option("--port", default=8100, show_default=True, help="0 picks a free port.")
@click.option("--seed", default=1, show_default=True)
def simulate(hosts: int, feeds_per_host: int, articles_per_feed: int, port: int, seed: int) -> None:
    """Serve simulated publishers on 127.0.0.x; prints the feed URLs, then a blank line."""
    from newsdesk.simulator import Simulator

    simulator = Simulator(hosts=hosts, feeds_per_host=feeds_per_host, articles_per_feed=articles_per_feed,
                          seed=seed, port=port)
    simulator.start()
    for url in simulator.feed_urls():
        click.echo(url)
    click.echo("", nl=True)
    sys.stdout.flush()
    wait_for_stop()
    simulator.stop()


if __name__ == "__main__":
    main()
