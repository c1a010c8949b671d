"""``python -m data``: create the sample database, import exports, print the weekly report and alerts.

Errors meant for a person (missing file, bad rows, locked database) print as one message on
stderr with exit status 2, never as a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from .db import DataError, connect, resolve_path


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def cmd_import(args) -> int:
    from .importer import import_file
    from .mapping import load_map

    cmap = load_map(args.map, args.table) if args.map else None
    if not args.file.exists():
        raise DataError(f"{args.file} not found")
    target = resolve_path(args.db)
    if str(target) != ":memory:" and not target.exists():
        print(f"{target} does not exist: creating a new, empty database there", file=sys.stderr)
    con = connect(args.db, create_sample=False)
    try:
        result = import_file(con, args.table, args.file, cmap, skip_bad=args.skip_bad, progress=_progress)
    finally:
        con.close()
    print(result.summary())
    return 0


def _load_policy(path):
    from policy import PolicyError, load_policy

    try:
        return load_policy(path) if path else load_policy()
    except (PolicyError, OSError) as exc:
        raise DataError(f"policy file {path}: {exc}") from None


def _facts_reader(args):
    """``--facts DIR``: a connection reading the folder's facts, and the policy they were decided
    under (an explicit ``--policy`` must be that one)."""
    from .decisions import fingerprint
    from .facts_files import open_folder, policy_mismatch, reader

    if args.db:
        raise DataError("--db and --facts name two sources: give one")
    folder = open_folder(args.facts)
    policy = folder.policy
    if args.policy:
        asked = _load_policy(args.policy)
        if fingerprint(asked) != folder.fingerprint:
            raise DataError(f"--policy {args.policy}: {policy_mismatch(folder, asked)}")
    return reader(folder), policy


def _print_from_database(args, make) -> int:
    """Open the database read-only (a missing explicit path is an error), or the facts folder
    (``--facts``), build ``make(con, policy)`` — a report or the alerts, anything with
    ``to_dict`` and ``to_csv_frame`` — and print it as JSON or CSV. A bad argument (date, as-of,
    within) is one line and exit 2."""
    if getattr(args, "facts", None):
        con, policy = _facts_reader(args)
    else:
        policy = _load_policy(args.policy)
        con = connect(args.db, read_only=True, create=False)
    try:
        result = make(con, policy)
    except ValueError as exc:
        raise DataError(str(exc)) from None
    finally:
        con.close()
    if args.csv:
        result.to_csv_frame().to_csv(sys.stdout, index=False)
    else:
        json.dump(result.to_dict(), sys.stdout, indent=2 if args.pretty else None)
        print()
    return 0


def cmd_report(args) -> int:
    from .report import weekly_report

    return _print_from_database(args, lambda con, policy: weekly_report(
        con, policy, args.date_from, args.date_to, args.as_of, category=args.category, country=args.country))


def cmd_alerts(args) -> int:
    from .alerts import open_alerts

    if args.facts:
        raise DataError("alerts need each case's agent, which a facts folder does not hold (it keeps decisions, "
                        "not the cases' own fields): run alerts against the database (--db)")
    return _print_from_database(args, lambda con, policy: open_alerts(con, policy, args.as_of, args.within))


def _working_days(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number of working days: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more (got {value})")
    return value


def cmd_sample(args) -> int:
    from .sample import load_sample, sample_until

    try:
        sample_until(args.until)  # a bad end is refused before an existing file is touched
    except ValueError as exc:
        raise DataError(str(exc)) from None
    path = resolve_path(args.db)
    if path.exists():
        if not args.replace:
            raise DataError(f"{path} exists; add --replace to overwrite it with a new sample")
        path.unlink()
        Path(str(path) + ".wal").unlink(missing_ok=True)
    t0 = time.monotonic()
    con = connect(path, create_sample=False)
    try:
        n_orders, n_cases = load_sample(con, args.orders, args.cases, seed=args.seed, until=args.until)
    finally:
        con.close()
    print(f"{path}: {n_orders:,} orders and {n_cases:,} cases in {time.monotonic() - t0:.1f} s")
    return 0


SPARK_MISSING = ("the Spark engine is not installed (pyspark and data/spark_facts.py): install it with "
                 "`bash scripts/install.sh --spark`, or use --engine duckdb")


def _spark_write_facts():
    """The Spark engine's ``write_facts``, or a DataError saying it is not installed."""
    import importlib

    try:
        spark_facts = importlib.import_module(f"{__package__}.spark_facts")
    except ModuleNotFoundError as exc:
        if exc.name == f"{__package__}.spark_facts" or (exc.name or "").split(".")[0] in ("pyspark", "py4j"):
            raise DataError(SPARK_MISSING) from None
        raise
    return spark_facts.write_facts


def cmd_facts_out(args) -> int:
    """``facts --orders --cases --out``: decide files with an engine and write a facts folder."""
    from .mapping import load_map

    missing = [flag for flag, value in (("--orders", args.orders), ("--cases", args.cases)) if not value]
    if missing:
        raise DataError(f"--out needs {' and '.join(missing)} (the files or folders to decide)")
    if args.db:
        raise DataError("--db and --out: a facts folder is decided from --orders and --cases, not from a database")
    policy = _load_policy(args.policy)
    t0 = time.perf_counter()
    if args.engine == "spark":
        if args.orders_map or args.cases_map:
            raise DataError("--orders-map / --cases-map are read by --engine duckdb; give the Spark engine Parquet")
        _spark_write_facts()(args.orders, args.cases, policy, args.out)
        summary = ""
    else:
        from .duckdb_facts import write_facts

        done = write_facts(args.orders, args.cases, policy, args.out, progress=_progress,
                           orders_map=load_map(args.orders_map, "orders") if args.orders_map else None,
                           cases_map=load_map(args.cases_map, "cases") if args.cases_map else None)
        summary = (f": {done['read']['orders']:,} orders and {done['read']['cases']:,} cases, "
                   f"{done['written']['stage_facts']:,} stage items")
    from .decisions import fingerprint

    print(f"facts of policy {fingerprint(policy)} written to {args.out} by the {args.engine} engine{summary} "
          f"({time.perf_counter() - t0:.1f} s)")
    return 0


def cmd_facts(args) -> int:
    from .decisions import decisions, fingerprint

    if args.out:
        return cmd_facts_out(args)
    given = [flag for flag, value in (("--orders", args.orders), ("--cases", args.cases),
                                      ("--orders-map", args.orders_map), ("--cases-map", args.cases_map)) if value]
    if given or args.engine != "duckdb":
        raise DataError(f"{', '.join(given) or '--engine spark'}: needs --out DIR (without --out, facts are "
                        "stored in the database)")
    policy = _load_policy(args.policy)
    con = connect(args.db, create=False)
    try:
        t0 = time.perf_counter()
        decisions(con, policy, progress=lambda fraction, text: print(f"{fraction:4.0%} {text}", file=sys.stderr))
    finally:
        con.close()
    print(f"facts of policy {fingerprint(policy)} stored and current ({time.perf_counter() - t0:.1f} s)")
    return 0


def cmd_quality(args) -> int:
    from .quality import data_quality_findings

    con = connect(args.db, read_only=True, create=False)
    try:
        out = data_quality_findings(con)
    finally:
        con.close()
    for row in out.itertuples():
        print(f"{row.count:>8,}  {row.description}" + (f"  e.g. {', '.join(row.examples)}" if row.count else ""))
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m data", description="Returns Desk case data.")
    sub = p.add_subparsers(dest="command", required=True)
    db_help = "database file (default: $RETURNS_DESK_DB or var/returns_desk.duckdb)"

    imp = sub.add_parser("import", help="import orders or cases from a CSV or Parquet export")
    imp.add_argument("table", choices=["orders", "cases"])
    imp.add_argument("file", type=Path)
    imp.add_argument("--map", type=Path, help="TOML column map (data-contract.md, Import)")
    imp.add_argument("--db", help=db_help)
    imp.add_argument("--skip-bad", action="store_true",
                     help="import the good rows; write the bad ones to FILE.rejects.csv")
    imp.set_defaults(func=cmd_import)

    rep = sub.add_parser("report", help="weekly SLA and refund report")
    rep.add_argument("--db", help=db_help)
    rep.add_argument("--facts", type=Path, metavar="DIR",
                     help="read a facts folder (python -m data facts --out) instead of a database")
    rep.add_argument("--policy", type=Path, help="policy TOML file (default: the store's policy)")
    rep.add_argument("--from", dest="date_from", help="first local date (YYYY-MM-DD)")
    rep.add_argument("--to", dest="date_to", help="last local date (YYYY-MM-DD)")
    rep.add_argument("--as-of", dest="as_of", help="ISO timestamp (default: now; naive = policy zone)")
    rep.add_argument("--category")
    rep.add_argument("--country")
    rep.add_argument("--pretty", action="store_true", help="indent the JSON")
    fmt = rep.add_mutually_exclusive_group(required=True)
    fmt.add_argument("--json", action="store_true")
    fmt.add_argument("--csv", action="store_true")
    rep.set_defaults(func=cmd_report)

    alr = sub.add_parser("alerts", help="open store deadlines at risk or overdue, for a scheduler to post")
    alr.add_argument("--db", help=db_help)
    alr.add_argument("--facts", type=Path, metavar="DIR",
                     help="not supported: alerts need the cases' agents, which only the database holds")
    alr.add_argument("--policy", type=Path, help="policy TOML file (default: the store's policy)")
    alr.add_argument("--as-of", dest="as_of", help="ISO timestamp (default: now; naive = policy zone)")
    alr.add_argument("--within", type=_working_days, default=1, metavar="N",
                     help="at risk = due by the end of the N-th working day after as-of (default 1)")
    alr.add_argument("--pretty", action="store_true", help="indent the JSON")
    fmt = alr.add_mutually_exclusive_group(required=True)
    fmt.add_argument("--json", action="store_true")
    fmt.add_argument("--csv", action="store_true")
    alr.set_defaults(func=cmd_alerts)

    smp = sub.add_parser("sample", help="(re)create a database from the seeded sample generator")
    smp.add_argument("--db", help=db_help)
    smp.add_argument("--orders", type=int, default=60_000)
    smp.add_argument("--cases", type=int, default=10_000)
    smp.add_argument("--seed", type=int, default=20261126)
    smp.add_argument("--until", help="the moment the data runs up to (ISO 8601; default: now, "
                                     "or $RETURNS_DESK_SAMPLE_UNTIL)")
    smp.add_argument("--replace", action="store_true", help="overwrite an existing file")
    smp.set_defaults(func=cmd_sample)

    fc = sub.add_parser("facts", help="decide and store every case's facts under a policy now (reports, "
                                      "which open the database read-only, then read them instead of deciding); "
                                      "with --out, decide files and write a facts folder of Parquet")
    fc.add_argument("--db", help=db_help)
    fc.add_argument("--policy", help="policy TOML (default: the store's)")
    fc.add_argument("--engine", choices=["duckdb", "spark"], default="duckdb",
                    help="with --out: decide in this process (duckdb, default) or on Apache Spark (spark)")
    fc.add_argument("--orders", type=Path, help="with --out: orders as a Parquet file or folder, or a CSV file")
    fc.add_argument("--cases", type=Path, help="with --out: cases as a Parquet file or folder, or a CSV file")
    fc.add_argument("--orders-map", type=Path, help="column map for the orders files (as for import --map)")
    fc.add_argument("--cases-map", type=Path, help="column map for the cases files (as for import --map)")
    fc.add_argument("--out", type=Path, metavar="DIR",
                    help="write the facts as a folder of Parquet partitioned by week (replaces a facts folder there)")
    fc.set_defaults(func=cmd_facts)

    q = sub.add_parser("quality", help="data-quality findings")
    q.add_argument("--db", help=db_help)
    q.set_defaults(func=cmd_quality)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except DataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into head & co.
        sys.stdout = open(os.devnull, "w")
        return 0
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
