"""The pinsight command: serve, seed demo data, ingest files, make users and tokens, register OAuth apps."""

from __future__ import annotations

import errno
import json
import logging
import os
import shlex
import socket
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TaskProgressColumn, TextColumn, TimeElapsedColumn

from pinsight.catalog.scopes import ALL_SCOPES
from pinsight.errors import ApiError

app = typer.Typer(help="pinsight: a self-hosted server that speaks Pinterest's REST API v5.", no_args_is_help=True)
token_app = typer.Typer(help="Access tokens.", no_args_is_help=True)
app_app = typer.Typer(help="OAuth apps.", no_args_is_help=True)
app.add_typer(token_app, name="token")
app.add_typer(app_app, name="app")
apikey_app = typer.Typer(help="Overview API keys (/api/pinterest/*).", no_args_is_help=True)
app.add_typer(apikey_app, name="apikey")
user_app = typer.Typer(help="Local users.", no_args_is_help=True)
app.add_typer(user_app, name="user")
template_app = typer.Typer(help="Async report templates of an ad account (listed at /v5/ad_accounts/{id}/templates).",
                           no_args_is_help=True)
app.add_typer(template_app, name="template")

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
    from pinsight.services.identity.auth import check_requested_scopes

    return check_requested_scopes(text)


def _fail(error: ApiError, code: int = 1) -> None:
    err.print(f"[red]error:[/red] {error.message}")
    raise typer.Exit(code=code)


def _progress() -> Progress:
    """A progress display on stderr: a bar where the amount of work is known, a spinner where not."""
    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(),
               MofNCompleteColumn(), TimeElapsedColumn())
    return Progress(*columns, console=err)


def _seed_if_empty(engine, runtime, seed: int, days: int | None = None, pins: int | None = None, full_history: bool = False,
                   ads: str = "demo"):
    from pinsight.demo.ads import ADS_PLANS
    from pinsight.demo.generator import DEFAULT_DAYS, DEFAULT_PINS, describe_demo, seed_demo
    from pinsight.store.db import is_empty

    if not is_empty(engine):
        return describe_demo(engine), False
    days, pins = days or DEFAULT_DAYS, pins or DEFAULT_PINS
    err.print(f"Seeding demo data: {pins:,} pins over {days:,} days (seed {seed})")
    with _progress() as progress:
        tasks: dict = {}

        def report(description: str, completed: int, total: int | None) -> None:
            if description not in tasks:
                tasks[description] = progress.add_task(description, total=total)
            progress.update(tasks[description], completed=completed, total=total)

        summary = seed_demo(engine, runtime.clock.now(), seed=seed, days=days, pins=pins, full_history=full_history,
                            progress=report, ads_plan=ADS_PLANS[ads])
    return summary, True


# The demo's handles as shell variables, for `eval "$(pinsight demo --env)"` and `make run`'s output.
_DEMO_VARIABLES = ("board_id", "pin_id", "section_id", "secret_board_id", "ad_account_id", "friend_board_id", "friend_pin_id")


def _env_lines(token: str | None, summary=None, api_uri: str | None = None) -> list[str]:
    lines = []
    if api_uri:
        lines.append(f"export PINTEREST_API_URI={shlex.quote(api_uri)}")
    if token:
        lines.append(f"export PINTEREST_ACCESS_TOKEN={shlex.quote(token)} TOKEN={shlex.quote(token)}")
    if summary is not None:
        lines.append("export " + " ".join(f"{name.upper()}={shlex.quote(getattr(summary, name))}" for name in _DEMO_VARIABLES))
    return lines


def _base_url(host: str, port: int) -> str:
    """The URL a client on this machine uses: a wildcard address means any interface, so loopback."""
    if host in ("0.0.0.0", ""):
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    return f"http://{f'[{host}]' if ':' in host else host}:{port}"


def _check_port(host: str, port: int) -> None:
    """Stop with one line if the server could not listen on host:port (bound as uvicorn binds)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_STREAM) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((host, port))
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            advice = (f"the port is already in use. Stop whatever uses it or choose another port: make run PORT={port + 1} "
                      f"(pinsight serve --port {port + 1}).")
        else:
            advice = f"{error.strerror or error}. Choose another address or port: make run HOST=127.0.0.1 PORT=8000."
        err.print(f"[red]error:[/red] cannot listen on {host}:{port}: {advice}")
        raise typer.Exit(code=1) from None


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    db: DbOption = None,
    demo: Annotated[bool, typer.Option("--demo", help="Seed demo data if the database is empty and print a demo token.")] = False,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
    access_log: Annotated[bool, typer.Option(help="One JSON log line per request.")] = True,
) -> None:
    """Apply migrations and serve the API (under /v5).

    Prints on stdout, as shell lines, the API base URL for the official SDK
    (PINTEREST_API_URI) and, with --demo, a demo token and the demo's ids."""
    import uvicorn

    from pinsight.demo.generator import DEMO_USER
    from pinsight.services.identity.auth import create_user_token

    _check_port(host, port)  # before migrating and seeding: a taken port is known at once
    settings, engine, runtime = _open(db)
    err.print(f"database: [bold]{settings.resolved_database_url()}[/bold]")
    base = _base_url(host, port)
    token = summary = None
    if demo:
        summary, seeded = _seed_if_empty(engine, runtime, seed=42)
        if summary is not None:
            token = create_user_token(runtime, DEMO_USER, frozenset(ALL_SCOPES))
            err.print(("seeded demo data; " if seeded else "") + f"demo user [bold]{summary.username}[/bold]")
    engine.dispose()
    err.print(f"API docs: [bold]{base}/docs[/bold]; the SDK and curl take the lines below "
              "(paste them into another shell, or run eval \"$(.venv/bin/pinsight demo --env)\" there):")
    print("\n".join(_env_lines(token, summary, f"{base}/v5")), flush=True)
    os.environ["PINSIGHT_DATABASE_URL"] = settings.resolved_database_url()
    os.environ["PINSIGHT_LOG_REQUESTS"] = "true" if access_log else "false"
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    err.print(f"serving on {base} (API under {base}/v5); Ctrl+C stops")
    try:
        uvicorn.run(
            "pinsight.api.asgi:build",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            access_log=False,
            log_level="info",
        )
    except SystemExit as stopped:  # uvicorn exits so when it cannot bind (taken meanwhile)
        if stopped.code not in (0, None):
            err.print(f"[red]error:[/red] the server could not start on {host}:{port} (the reason is above).")
            raise typer.Exit(code=1) from None


@app.command()
def worker(
    db: DbOption = None,
    threads: Annotated[int, typer.Option(min=1, max=64, help="Jobs this process runs at once.")] = 1,
) -> None:
    """Run background jobs (async reports, bulk downloads, exports) until stopped.

    Run any number of these, on any machines that share the database (PostgreSQL), and
    set PINSIGHT_EMBEDDED_WORKERS=0 on the servers. A job is run by one worker at a time;
    when a worker dies, another takes its jobs over once their lease lapses."""
    import signal
    import threading

    from pinsight.services.jobs.worker import Worker

    os.environ.setdefault("PINSIGHT_SQLITE_MMAP_BYTES", "0")  # see Settings.sqlite_mmap_bytes
    settings, engine, runtime = _open(db)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s", stream=sys.stderr)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    workers = [Worker(runtime) for _ in range(threads)]
    err.print(f"worker {workers[0].name}: {threads} thread(s) on {settings.resolved_database_url()}; "
              f"files in {settings.resolved_files_url()}")
    running = [threading.Thread(target=one.run_forever, args=(stop,), daemon=True) for one in workers]
    for thread in running:
        thread.start()
    while not stop.wait(0.5):
        pass
    for thread in running:
        thread.join(timeout=60)


@app.command()
def demo(
    db: DbOption = None,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same data.")] = 42,
    days: Annotated[Optional[int], typer.Option(min=1, max=3650, show_default="180", help="Days the demo spans, up to "
                                                "today: pins are created over them and have daily metrics from their "
                                                "creation on.")] = None,
    pins: Annotated[Optional[int], typer.Option(min=3, max=1_000_000, show_default="77", help="Pins of the demo user (2 "
                                                "of them saved from the second user); 10,000 x 365 days takes a few "
                                                "minutes.")] = None,
    full_history: Annotated[bool, typer.Option("--full-history", help="Create everything on the first day, so every "
                                               "pin has metrics for all the days (the largest archive for its size).")] = False,
    ads: Annotated[str, typer.Option(help="The ad account's history: 'demo' (12 ads, 24,000 ad actions), 'benchmark' "
                                     "(5,000 ads, 365 days, 20 million ad actions, 1 million conversions: an hour "
                                     "or more) or 'none'.")] = "demo",
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout.")] = False,
    as_env: Annotated[bool, typer.Option("--env", help="Print shell lines exporting TOKEN, PINTEREST_ACCESS_TOKEN and the "
                                         "ids (PIN_ID, BOARD_ID, ...): eval \"$(pinsight demo --env)\".")] = False,
) -> None:
    """Seed deterministic demo data (if not there yet) and print credentials."""
    from pinsight.demo.generator import DEMO_USER
    from pinsight.services.identity.auth import create_user_token

    settings, engine, runtime = _open(db, quiet=as_json or as_env)
    if ads not in ("demo", "benchmark", "none"):
        err.print(f"[red]error:[/red] --ads is demo, benchmark or none, not {ads!r}")
        raise typer.Exit(code=2)
    summary, seeded = _seed_if_empty(engine, runtime, seed, days, pins, full_history, ads)
    if summary is None:
        err.print("[red]error:[/red] the database has data but no demo users; use an empty database.")
        raise typer.Exit(code=1)
    if not seeded and (days or pins or full_history or ads != "demo"):
        err.print("demo data already present: --days, --pins, --full-history and --ads apply to an empty database only")
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
    if as_env:
        print("\n".join(_env_lines(token, summary)))
        return
    err.print("seeded demo data" if seeded else "demo data already present")
    for key, value in result.items():
        print(f"{key}: {value}")


@app.command()
def ingest(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="Events or daily metric rows: NDJSON (.ndjson/.jsonl) or CSV (.csv), UTF-8.")],
    user: Annotated[str, typer.Option("--user", help="Username owning the pins.")],
    db: DbOption = None,
    batch: Annotated[int, typer.Option(min=1, max=50_000, help="Rows per transaction.")] = 5000,
) -> None:
    """Load engagement events or daily metric rows: good ones are applied, bad ones reported with reasons (exit 2).

    Prints the counts as JSON: read, applied, already_applied (events sent before count
    once, as the API answers) and rejected. A CSV header with an unknown column, a column
    name in the wrong case or another delimiter than commas refuses the file (exit 2),
    listing the valid columns."""
    from pinsight.services.content.users import user_id_of
    from pinsight.services.organic.ingest_files import FileRejected, count_records, file_kind, ingest_file

    _, engine, runtime = _open(db, quiet=True)
    try:
        owner_id = user_id_of(runtime, user)
    except ApiError as error:
        _fail(error)
    try:
        total = count_records(file)
        kind = file_kind(file)
    except FileRejected as error:
        _fail(error, code=2)
    with _progress() as progress:
        task = progress.add_task(f"Ingesting {kind} from {file.name}", total=total)
        result = ingest_file(runtime, owner_id, file, batch, kind, on_chunk=lambda count: progress.advance(task, count))
    print(json.dumps(result.summary()))
    problems = result.problems
    for problem in problems[:50]:
        err.print(f"row {problem.position + 1}: {problem.reason}")
    if len(problems) > 50:
        err.print(f"... and {len(problems) - 50} more rejected rows")
    if problems:
        raise typer.Exit(code=2)


@user_app.command("create")
def user_create(
    username: Annotated[str, typer.Argument(help="3 to 30 letters, digits or underscores.")],
    account_type: Annotated[str, typer.Option("--account-type", help="BUSINESS or PINNER.")] = "BUSINESS",
    business_name: Annotated[Optional[str], typer.Option("--business-name", help="Shown as the account's name.")] = None,
    website: Annotated[str, typer.Option("--website", help="The profile's website: pins linking to it are claimed content.")] = "",
    db: DbOption = None,
    ads: Annotated[str, typer.Option(help="The ad account's history: 'demo' (12 ads, 24,000 ad actions), 'benchmark' "
                                     "(5,000 ads, 365 days, 20 million ad actions, 1 million conversions: an hour "
                                     "or more) or 'none'.")] = "demo",
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout.")] = False,
) -> None:
    """Create a local user with no content; `pinsight token create --user NAME` then gives a token."""
    from pinsight.services.content.users import create_user

    _, _, runtime = _open(db, quiet=True)
    try:
        made = create_user(runtime, username, account_type, business_name, website)
    except ApiError as error:
        _fail(error)
    if as_json:
        print(json.dumps(made.__dict__))
    else:
        print(f"id: {made.id}\nusername: {made.username}")


@user_app.command("list")
def user_list(
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON array on stdout.")] = False,
) -> None:
    """List the local users, oldest first, with their board and pin counts."""
    from pinsight.services.content.users import list_users

    _, _, runtime = _open(db, quiet=True)
    users = list_users(runtime)
    if as_json:
        print(json.dumps([user.__dict__ for user in users]))
        return
    width = max([len("username"), *(len(user.username) for user in users)])
    print(f"{'username':<{width}}  {'id':<19}  {'type':<8}  {'boards':>6}  {'pins':>7}  created")
    for user in users:
        print(f"{user.username:<{width}}  {user.id:<19}  {user.account_type:<8}  {user.board_count:>6}  "
              f"{user.pin_count:>7}  {user.created_at}")


@token_app.command("create")
def token_create(
    user: Annotated[str, typer.Option("--user", help="Username the token acts for.")],
    scopes: Annotated[Optional[str], typer.Option("--scopes", help="Comma-separated scopes (default: all).")] = None,
    db: DbOption = None,
) -> None:
    """Print a new access token (valid 30 days) alone on stdout."""
    from pinsight.services.identity.auth import create_user_token

    _, _, runtime = _open(db, quiet=True)
    try:
        print(create_user_token(runtime, user, _scopes(scopes)))
    except ApiError as error:
        _fail(error)


@token_app.command("create-conversion")
def token_create_conversion(
    ad_account: Annotated[int, typer.Option("--ad-account", help="The ad account whose conversions it sends.")],
    db: DbOption = None,
) -> None:
    """Print a new conversion token alone on stdout: what Ads Manager generates, taken by the
    Conversions API (POST /v5/ad_accounts/{ad_account_id}/events) of that ad account only.
    It is stored hashed (shown once) and does not expire."""
    from pinsight.services.identity.conversion_tokens import create_conversion_token

    _, _, runtime = _open(db, quiet=True)
    try:
        print(create_conversion_token(runtime, ad_account))
    except ApiError as error:
        _fail(error)


@token_app.command("revoke-conversion")
def token_revoke_conversion(
    token: Annotated[str, typer.Argument(help="The conversion token to revoke.")],
    db: DbOption = None,
) -> None:
    """Revoke a conversion token (exit status 1 if it was not a live one)."""
    from pinsight.services.identity.conversion_tokens import revoke_conversion_token

    _, _, runtime = _open(db, quiet=True)
    if not revoke_conversion_token(runtime, token):
        err.print("No live conversion token matches.")
        raise typer.Exit(1)


@apikey_app.command("create")
def apikey_create(
    user: Annotated[str, typer.Option("--user", help="Username the key reads for.")],
    label: Annotated[str, typer.Option("--label", help="A note to tell keys apart.")] = "",
    db: DbOption = None,
) -> None:
    """Print a new overview API key alone on stdout (it is stored hashed: shown once)."""
    from pinsight.services.identity.api_keys import create_api_key

    _, _, runtime = _open(db, quiet=True)
    try:
        print(create_api_key(runtime, user, label))
    except ApiError as error:
        _fail(error)


@template_app.command("create")
def template_create(
    ad_account_id: Annotated[str, typer.Option("--ad-account-id", help="The ad account the template belongs to.")],
    name: Annotated[str, typer.Option("--name", help="The template's name.")],
    request: Annotated[str, typer.Option("--request", help="An async report request (the JSON body of POST "
                                         "/v5/ad_accounts/{id}/reports) without dates, or @FILE holding it.")],
    start_days_ago: Annotated[int, typer.Option(min=0, max=914, help="The range starts this many days before the "
                                                "day a report is made.")] = 7,
    end_days_ago: Annotated[int, typer.Option(min=0, max=914, help="... and ends this many days before it.")] = 1,
    db: DbOption = None,
) -> None:
    """Save an async report request as a template of the ad account (owned by its owner);
    print the template as JSON."""
    from pinsight.services.ads.report_templates import create_template_for_account

    text = Path(request[1:]).read_text() if request.startswith("@") else request
    try:
        body = json.loads(text)
    except json.JSONDecodeError as error:
        err.print(f"[red]error:[/red] --request is not JSON: {error}")
        raise typer.Exit(code=1) from None
    _, _, runtime = _open(db, quiet=True)
    try:
        made = create_template_for_account(runtime, ad_account_id, name=name, request=body,
                                           start_days_ago=start_days_ago, end_days_ago=end_days_ago)
    except ApiError as error:
        _fail(error)
    print(json.dumps(made, indent=2))


@app_app.command("create")
def app_create(
    name: Annotated[str, typer.Option("--name", help="The app's name, shown on the consent page.")],
    redirect_uri: Annotated[list[str], typer.Option("--redirect-uri", help="Allowed redirect URI (repeatable).")],
    owner: Annotated[str, typer.Option("--owner", help="Username owning the app (client_credentials tokens act for them).")] = "pinsight_demo",
    db: DbOption = None,
    ads: Annotated[str, typer.Option(help="The ad account's history: 'demo' (12 ads, 24,000 ad actions), 'benchmark' "
                                     "(5,000 ads, 365 days, 20 million ad actions, 1 million conversions: an hour "
                                     "or more) or 'none'.")] = "demo",
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout.")] = False,
) -> None:
    """Register an OAuth app; prints its app id and secret (the secret is shown once)."""
    from pinsight.services.identity.oauth import create_app

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



# --- exports: a client of a running server's export API (POST/GET /api/v1/exports) ---------------------


def _api_answer(response) -> dict:
    """A JSON answer of the export API, or the command's end with the server's message."""
    if response.status_code >= 400:
        try:
            message = response.json().get("message", response.text)
        except ValueError:
            message = response.text[:300]
        err.print(f"[red]error:[/red] {response.status_code}: {message}")
        raise typer.Exit(code=2 if response.status_code == 400 else 1)
    return response.json()


def _call(client, method: str, path: str, **options) -> dict:
    """One API call; a 429 or 503 is retried after the Retry-After it names (at most a minute)."""
    import time

    for _ in range(30):
        response = client.request(method, path, **options)
        if response.status_code not in (429, 503):
            return _api_answer(response)
        time.sleep(min(60.0, float(response.headers.get("Retry-After") or 1)))
    return _api_answer(response)


@app.command()
def export(
    start_date: Annotated[str, typer.Option("--start-date", help="The first day (UTC), YYYY-MM-DD.")],
    end_date: Annotated[str, typer.Option("--end-date", help="The last day (UTC), YYYY-MM-DD: today at the latest.")],
    file_format: Annotated[str, typer.Option("--format", help="csv.gz, ndjson.gz or parquet.")] = "csv.gz",
    dataset: Annotated[str, typer.Option(help="daily_metrics (a row per pin and day), pins (a row per pin) or "
                                         "totals (a row per pin, the period's totals).")] = "daily_metrics",
    pin_ids: Annotated[Optional[list[str]], typer.Option("--pin-id", help="Only this pin (repeatable).")] = None,
    ad_account_id: Annotated[Optional[str], typer.Option(help="Export the account of this ad account's owner "
                                                         "(Business Access: Owner, Admin or Analyst).")] = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", dir_okay=False, help="Where to write the file "
                                                   "(default: the export's own file name, here).")] = None,
    url: Annotated[str, typer.Option(envvar="PINSIGHT_URL", help="The server's address.")] = "http://127.0.0.1:8000",
    token: Annotated[Optional[str], typer.Option(envvar="PINTEREST_ACCESS_TOKEN", show_default=False,
                                                 help="An access token (default: $PINTEREST_ACCESS_TOKEN).")] = None,
    poll: Annotated[float, typer.Option(min=0.05, max=60, help="Seconds between status reads.")] = 0.5,
) -> None:
    """Export pins and their organic metrics through a running server's API, with progress.

    Asks for the export (POST /api/v1/exports), follows it until its file is ready, then
    downloads the file to --output (written under a temporary name, moved into place when
    complete). Prints the export's id, rows, size and file as JSON. Exit 2 when the server
    refuses the request, 1 when the export fails."""
    import time

    import httpx
    from rich.progress import DownloadColumn, TransferSpeedColumn

    if not token:
        err.print("[red]error:[/red] give --token or set PINTEREST_ACCESS_TOKEN")
        raise typer.Exit(code=2)
    base = url.rstrip("/").removesuffix("/v5")
    body = {"start_date": start_date, "end_date": end_date, "format": file_format, "dataset": dataset}
    if pin_ids:
        body["pin_ids"] = pin_ids
    params = {"ad_account_id": ad_account_id} if ad_account_id else {}
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=60) as client:
        try:
            status = _call(client, "POST", "/api/v1/exports", json=body, params=params)
            with _progress() as progress:
                task = progress.add_task(f"Exporting {dataset} as {file_format}", total=None)
                while status["status"] in ("queued", "running"):
                    progress.update(task, completed=status["progress_rows"])
                    time.sleep(poll)
                    status = _call(client, "GET", f"/api/v1/exports/{status['id']}", params=params)
                progress.update(task, total=status["progress_rows"], completed=status["progress_rows"])
            if status["status"] != "finished":
                err.print(f"[red]error:[/red] the export is {status['status']}: {status['message']}")
                raise typer.Exit(code=1)
            target = output or Path(status["url"].split("?", 1)[0].rsplit("/", 1)[-1])
            partial = target.with_name(f".{target.name}.part")
            columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TransferSpeedColumn())
            with Progress(*columns, console=err) as progress, httpx.stream("GET", status["url"], timeout=60) as answer:
                if answer.status_code != 200:
                    answer.read()
                    _api_answer(answer)
                task = progress.add_task(f"Downloading {target.name}", total=status["size"])
                with partial.open("wb") as out:
                    for chunk in answer.iter_bytes(1024 * 1024):
                        out.write(chunk)
                        progress.advance(task, len(chunk))
            partial.replace(target)
        except httpx.HTTPError as error:
            err.print(f"[red]error:[/red] cannot reach {base}: {error}")
            raise typer.Exit(code=1) from None
    print(json.dumps({"id": status["id"], "rows": status["rows"], "size": status["size"], "file": str(target)}))


if __name__ == "__main__":
    app()
