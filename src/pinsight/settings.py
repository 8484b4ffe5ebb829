"""The one place configuration is read from (environment variables prefixed PINSIGHT_)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from pinsight.catalog import rate_limits as rate_limit_catalog

DEFAULT_DATA_DIR = Path("data")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PINSIGHT_", extra="ignore")

    database_url: str = ""
    data_dir: Path = DEFAULT_DATA_DIR
    # Pinterest's lifetimes: access tokens 30 days, refresh tokens a year.
    access_token_ttl_seconds: int = 30 * 24 * 3600
    refresh_token_ttl_seconds: int = 365 * 24 * 3600
    auth_code_ttl_seconds: int = 600
    # How long a verified token stays in a worker's memory before the database is asked again.
    token_cache_seconds: float = 5.0
    log_requests: bool = True
    # Organic analytics: how far back start_date may go ("unlimited" for archives), and a
    # fixed "today" (YYYY-MM-DD) for reproducible tests and demos.
    analytics_lookback_days: str = "90"
    today: str | None = None
    # Bounds on one request's database work: a statement running longer is interrupted
    # (answered 503), and a writer waits at most this long for another writer's lock.
    statement_timeout_seconds: float = 30.0
    lock_wait_seconds: float = 20.0
    # Analytics, ingestion and the overview share this many threads per worker, so that
    # however many heavy requests arrive, cheap ones keep the rest of the threadpool.
    heavy_request_threads: int = 2
    # Request bodies above this many bytes are refused (413) while being read. The largest
    # batch allowed (50,000 daily rows with every metric, indented) weighs about 34 MiB.
    max_body_bytes: int = Field(default=64 * 1024 * 1024, gt=0)
    # Audience insights report no group of fewer people than this (domain.ads.audience_privacy).
    audience_min_size: int = Field(default=100, ge=1)

    # How much of a SQLite database each connection maps into memory: reads of a large
    # archive skip a system call per page. `pinsight worker` maps none (unless set): a job
    # reads whole ranges once, and mapped pages would count in its memory as they are read.
    sqlite_mmap_bytes: int = Field(default=1024**3, ge=0)
    # Background jobs (async reports, bulk downloads, exports; services.jobs). Their files go
    # to a directory or any fsspec URL (s3://bucket/prefix), with the filesystem's options
    # as JSON ('{"endpoint_url": "http://127.0.0.1:9000"}'); default: <data_dir>/files.
    files_url: str = ""
    files_options: str = ""
    # How long a download link holds, and how long a finished job's file is kept.
    link_ttl_seconds: int = Field(default=3600, gt=0)
    file_retention_seconds: int = Field(default=7 * 24 * 3600, gt=0)
    # Jobs of one ad account (or one user's exports) running at once; more wait their turn.
    jobs_per_scope: int = Field(default=2, ge=1)
    # A worker holds a job this long without renewing before another may take it over, and
    # a job is tried this many times before it fails.
    job_lease_seconds: float = Field(default=30.0, gt=0)
    job_attempts: int = Field(default=3, ge=1)
    # How often an idle worker looks for work.
    worker_poll_seconds: float = Field(default=1.0, gt=0)
    # Worker threads the server runs beside itself (0: none, when `pinsight worker`
    # processes do the work, as in production on PostgreSQL).
    embedded_workers: int = Field(default=1, ge=0)
    # A pause after each chunk of a job's output, to leave the database to the server on
    # a small machine (0: none).
    job_pause_seconds: float = Field(default=0.0, ge=0)

    # Rate limits (catalog.rate_limits has the defaults): on unless benchmarking; per
    # category overrides in requests per minute, as JSON ('{"org_read": 500}').
    rate_limits_enabled: bool = True
    rate_limits: dict[str, int] = {}
    rate_limit_per_second: int = rate_limit_catalog.UNIVERSAL_PER_SECOND
    auth_failure_limit: int = rate_limit_catalog.AUTH_FAILURES_PER_MINUTE

    def engine(self):
        """An engine for the configured database, with the configured time limits."""
        from pinsight.store.db import make_engine

        return make_engine(
            self.resolved_database_url(), statement_timeout=self.statement_timeout_seconds, lock_wait=self.lock_wait_seconds,
            sqlite_mmap_bytes=self.sqlite_mmap_bytes,
        )

    def resolved_files_url(self) -> str:
        return self.files_url or str((self.data_dir / "files").resolve())

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'pinsight.sqlite3').resolve()}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
