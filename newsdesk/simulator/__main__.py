"""Command line: `python -m newsdesk.simulator --hosts 3 --port 8100` prints feed URLs and serves."""

import argparse
import sys

from newsdesk.simulator.server import serve_forever


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    """Return the command-line options."""
    parser = argparse.ArgumentParser(
        prog="python -m newsdesk.simulator",
        description="Serve simulated publishers on 127.0.0.2, 127.0.0.3, ... and print their feed URLs.",
    )
    parser.add_argument("--hosts", type=int, default=3, help="number of publishers (default 3)")
    parser.add_argument("--feeds-per-host", type=int, default=4, help="feeds per publisher (default 4)")
    parser.add_argument("--articles-per-feed", type=int, default=20, help="items per feed (default 20)")
    parser.add_argument("--port", type=int, default=8100, help="port shared by all hosts (default 8100)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated content (default 1)")
    parser.add_argument(
        "--no-real-articles", action="store_true", help="generate every page instead of using the corpus"
    )
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    """Run the simulator until interrupted."""
    options = parse_arguments(argv)
    print(
        f"simulator: {options.hosts} hosts on port {options.port}; Ctrl-C to stop",
        file=sys.stderr,
        flush=True,
    )
    serve_forever(
        hosts=options.hosts,
        feeds_per_host=options.feeds_per_host,
        articles_per_feed=options.articles_per_feed,
        port=options.port,
        seed=options.seed,
        real_articles=not options.no_real_articles,
        verbose=options.verbose,
    )


if __name__ == "__main__":
    main()
