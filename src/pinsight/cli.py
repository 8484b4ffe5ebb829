"""The pinsight command: serve, seed demo data, mint tokens, register OAuth apps."""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn

from pinsight.catalog.scopes import ALL_SCOPES
from pinsight.errors import ApiError

app = typer.Typer(help="pinsight: a self-hosted server that speaks Pinterest's REST API v5.", no_args_is_help=True)
token_app = typer.Typer(help="Access tokens.", no_args_is_help=True)
app_app = typer.Typer(help="OAuth apps.", no_args_is_help=True)
app.add_typer(token_app, name="token")
app.add_typer(app_app, name="app")
apikey_app = typer.Typer(help="Overview API keys (/api/pinterest/*).", no_args_is_help=True)
app.add_typer(apikey_app, name="apikey")

err = Console(stderr=True, soft_wrap=True)

DbOption = Annotated[
    Optional[str],
    typer.Option("--db", help="Database URL (sqlite:///path or postgresql://...). Default: $PINSIGHT_DATABASE_URL or ./data/pinsight.sqlite3."),
]


def _open(db: str | None, *, quiet: bool = False):
    """Settings, engine (migrated) and runtime for the chosen database."""
    from pinsight.services.runtime import Runtime
    from pinsight.settings import Settings
    from pinsight.store.db import migrate

    if db:
        os.environ["PINSIGHT_DATABASE_URL"] = db
    settings = Settings()
    engine = settings.engine()
    if quiet:
        migrate(engine)
    else:
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), console=err, transient=True) as progress:
            progress.add_task("Applying database migrations…", total=None)
            migrate(engine)
    return settings, engine, Runtime.build(engine, settings)


def _scopes(text: str | None) -> frozenset[str]:
    from pinsight.services.auth import check_requested_scopes

    return check_requested_scopes(text)


def _fail(error: ApiError) -> None:
    err.print(f"[red]error:[/red] {error.message}")
    raise typer.Exit(code=1)


def _seed_if_empty(engine, runtime, seed: int, days: int = 400):
    from pinsight.demo.generator import describe_demo, seed_demo
    from pinsight.store.db import is_empty

    if is_empty(engine):
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), console=err, transient=True) as progress:
            progress.add_task(f"Seeding demo data (seed {seed})…", total=None)
            return seed_demo(engine, runtime.clock.now(), seed=seed, days=days), True
    return describe_demo(engine), False


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    db: DbOption = None,
    demo: Annotated[bool, typer.Option("--demo", help="Seed demo data if the database is empty and print a demo token.")] = False,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
    access_log: Annotated[bool, typer.Option(help="One JSON log line per request.")] = True,
) -> None:
    """Apply migrations and serve the API (under /v5)."""
    import uvicorn

    from pinsight.demo.generator import DEMO_USER
    from pinsight.services.auth import create_user_token

    settings, engine, runtime = _open(db)
    err.print(f"database: [bold]{settings.resolved_database_url()}[/bold]")
    if demo:
        summary, seeded = _seed_if_empty(engine, runtime, seed=42)
        if summary is not None:
            token = create_user_token(runtime, DEMO_USER, frozenset(ALL_SCOPES))
            err.print(("seeded demo data; " if seeded else "") + f"demo user [bold]{summary.username}[/bold]")
            err.print(f"demo access token: [bold green]{token}[/bold green]")
            print(f"PINTEREST_ACCESS_TOKEN={token}", flush=True)
    engine.dispose()
    os.environ["PINSIGHT_DATABASE_URL"] = settings.resolved_database_url()
    os.environ["PINSIGHT_LOG_REQUESTS"] = "true" if access_log else "false"
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    err.print(f"serving on http://{host}:{port}/v5")
    uvicorn.run(
        "pinsight.api.asgi:build",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=False,
        log_level="info",
    )


@app.command()
def demo(
    db: DbOption = None,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same data.")] = 42,
    days: Annotated[int, typer.Option(min=1, max=3650, help="Days of daily metrics to generate, up to today.")] = 400,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout.")] = False,
) -> None:
    """Seed deterministic demo data (if not there yet) and print credentials."""
    from pinsight.demo.generator import DEMO_USER
    from pinsight.services.auth import create_user_token

    settings, engine, runtime = _open(db, quiet=as_json)
    summary, seeded = _seed_if_empty(engine, runtime, seed, days)
    if summary is None:
        err.print("[red]error:[/red] the database has data but no demo users; use an empty database.")
        raise typer.Exit(code=1)
    token = create_user_token(runtime, DEMO_USER, frozenset(ALL_SCOPES))
    result = {
        "access_token": token,
        "seeded": seeded,
        "database_url": settings.resolved_database_url(),
        **summary.__dict__,
    }
    if as_json:
        print(json.dumps(result))
        return
    err.print("seeded demo data" if seeded else "demo data already present")
    for key, value in result.items():
        print(f"{key}: {value}")


@app.command()
def ingest(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="Events or daily metric rows: NDJSON (.ndjson/.jsonl) or CSV (.csv).")],
    user: Annotated[str, typer.Option("--user", help="Username owning the pins.")],
    db: DbOption = None,
    batch: Annotated[int, typer.Option(min=1, max=50_000, help="Rows per transaction.")] = 5000,
) -> None:
    """Load engagement events or daily metric rows: good ones are applied, bad ones reported with reasons."""
    from rich.progress import BarColumn, MofNCompleteColumn

    from pinsight.services.events import ingest_event_chunk
    from pinsight.services.ingest import ingest_chunk
    from pinsight.services.ingest_files import EVENTS, file_kind, read_items
    from pinsight.store import content as content_store

    _, engine, runtime = _open(db, quiet=True)
    with engine.connect() as conn:
        owner = content_store.get_user_by_username(conn, user)
    if owner is None:
        _fail(ApiError(f"User '{user}' not found."))
    total_lines = sum(1 for line in file.open(encoding="utf-8") if line.strip()) - (1 if file.suffix.lower() == ".csv" else 0)
    kind = file_kind(file)
    apply_chunk = ingest_event_chunk if kind == EVENTS else ingest_chunk
    read = applied = 0
    problems = []
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=err) as progress:
        task = progress.add_task(f"Ingesting {kind} from {file.name}", total=max(total_lines, 0))
        chunk: list = []
        for item in read_items(file):
            chunk.append(item)
            if len(chunk) == batch:
                done, bad = apply_chunk(runtime, owner["id"], chunk, read)
                read, applied = read + len(chunk), applied + done
                problems += bad
                progress.advance(task, len(chunk))
                chunk = []
        if chunk:
            done, bad = apply_chunk(runtime, owner["id"], chunk, read)
            read, applied = read + len(chunk), applied + done
            problems += bad
            progress.advance(task, len(chunk))
    print(json.dumps({"kind": kind, "read": read, "applied": applied, "rejected": len(problems)}))
    for problem in problems[:50]:
        err.print(f"row {problem.position + 1}: {problem.reason}")
    if len(problems) > 50:
        err.print(f"... and {len(problems) - 50} more rejected rows")
    if problems:
        raise typer.Exit(code=2)


@token_app.command("create")
def token_create(
    user: Annotated[str, typer.Option("--user", help="Username the token acts for.")],
    scopes: Annotated[Optional[str], typer.Option("--scopes", help="Comma-separated scopes (default: all).")] = None,
    db: DbOption = None,
) -> None:
    """Print a new access token (valid 30 days) alone on stdout."""
    from pinsight.services.auth import create_user_token

    _, _, runtime = _open(db, quiet=True)
    try:
        print(create_user_token(runtime, user, _scopes(scopes)))
    except ApiError as error:
        _fail(error)


@apikey_app.command("create")
def apikey_create(
    user: Annotated[str, typer.Option("--user", help="Username the key reads for.")],
    label: Annotated[str, typer.Option("--label", help="A note to tell keys apart.")] = "",
    db: DbOption = None,
) -> None:
    """Print a new overview API key alone on stdout (it is stored hashed: shown once)."""
    from pinsight.services.api_keys import create_api_key

    _, _, runtime = _open(db, quiet=True)
    try:
        print(create_api_key(runtime, user, label))
    except ApiError as error:
        _fail(error)


@app_app.command("create")
def app_create(
    name: Annotated[str, typer.Option("--name", help="The app's name, shown on the consent page.")],
    redirect_uri: Annotated[list[str], typer.Option("--redirect-uri", help="Allowed redirect URI (repeatable).")],
    owner: Annotated[str, typer.Option("--owner", help="Username owning the app (client_credentials tokens act for them).")] = "pinsight_demo",
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout.")] = False,
) -> None:
    """Register an OAuth app; prints its app id and secret (the secret is shown once)."""
    from pinsight.services.oauth import create_app

    _, _, runtime = _open(db, quiet=True)
    try:
        created = create_app(runtime, name, owner, redirect_uri)
    except ApiError as error:
        _fail(error)
    result = {"app_id": created.app_id, "app_secret": created.app_secret, "redirect_uris": created.redirect_uris}
    if as_json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key}: {value}")


if __name__ == "__main__":
    app()
