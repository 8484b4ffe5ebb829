"""OAuth scopes, and which scopes each implemented operation needs.

The requirements are Pinterest's, per operation, from the ``security`` block of the
official spec; ``tests/contract`` checks this table against the spec so they cannot drift.
"""

from __future__ import annotations

from dataclasses import dataclass

ALL_SCOPES: tuple[str, ...] = (
    "ads:read",
    "ads:write",
    "billing:read",
    "billing:write",
    "biz_access:read",
    "biz_access:write",
    "boards:read",
    "boards:read_secret",
    "boards:write",
    "boards:write_secret",
    "catalogs:read",
    "catalogs:write",
    "pins:read",
    "pins:read_secret",
    "pins:write",
    "pins:write_secret",
    "user_accounts:read",
    "user_accounts:write",
)


@dataclass(frozen=True)
class Operation:
    operation_id: str
    scopes: frozenset[str]
    # Whether a token from the client_credentials grant may call it.
    client_credentials: bool
    rate_category: str

    @property
    def heavy(self) -> bool:
        """Whether its cost grows with the data it reads or writes (``HEAVY_RATE_CATEGORIES``)."""
        return self.rate_category in HEAVY_RATE_CATEGORIES


# Rate categories whose operations read or write many metric rows per request: they
# share a few threads per worker (``Runtime.call``), so they cannot crowd out the rest.
HEAVY_RATE_CATEGORIES = frozenset({"org_analytics", "ads_analytics", "ingest"})


def _op(operation_id: str, scopes: str, *, client_credentials: bool, rate: str) -> Operation:
    return Operation(operation_id, frozenset(scopes.split()), client_credentials, rate)


OPERATIONS: dict[str, Operation] = {
    op.operation_id: op
    for op in (
        _op("user_account/get", "user_accounts:read", client_credentials=True, rate="org_read"),
        _op("boards/list", "boards:read", client_credentials=True, rate="org_read"),
        _op("boards/create", "boards:read boards:write", client_credentials=True, rate="org_write"),
        _op("boards/get", "boards:read", client_credentials=True, rate="org_read"),
        _op("boards/update", "boards:read boards:write", client_credentials=True, rate="org_write"),
        _op("boards/delete", "boards:read boards:write", client_credentials=False, rate="org_write"),
        _op("boards/list_pins", "boards:read pins:read", client_credentials=True, rate="org_read"),
        _op("board_sections/list", "boards:read", client_credentials=True, rate="org_read"),
        _op("board_sections/create", "boards:read boards:write", client_credentials=False, rate="org_write"),
        _op("board_sections/update", "boards:read boards:write", client_credentials=False, rate="org_write"),
        _op("board_sections/delete", "boards:read boards:write", client_credentials=False, rate="org_write"),
        _op("board_sections/list_pins", "boards:read pins:read", client_credentials=True, rate="org_read"),
        _op("pins/list", "boards:read pins:read", client_credentials=True, rate="org_read"),
        _op("pins/create", "boards:read boards:write pins:read pins:write", client_credentials=True, rate="org_write"),
        _op("pins/get", "boards:read pins:read", client_credentials=True, rate="org_read"),
        _op("pins/update", "boards:read boards:write pins:read pins:write", client_credentials=True, rate="org_write"),
        _op("pins/delete", "boards:read boards:write pins:read pins:write", client_credentials=True, rate="org_write"),
        _op("pins/save", "boards:read boards:write pins:read pins:write", client_credentials=False, rate="org_write"),
        _op("ad_accounts/list", "ads:read", client_credentials=True, rate="ads_read"),
        _op("ad_accounts/get", "ads:read", client_credentials=True, rate="ads_read"),
        _op("pins/analytics", "boards:read pins:read", client_credentials=True, rate="org_analytics"),
        _op("multi_pins/analytics", "boards:read pins:read", client_credentials=True, rate="org_analytics"),
        _op("user_account/analytics", "user_accounts:read", client_credentials=False, rate="org_analytics"),
        _op("user_account/analytics/top_pins", "pins:read user_accounts:read", client_credentials=True, rate="org_analytics"),
        _op(
            "user_account/analytics/top_video_pins",
            "pins:read user_accounts:read",
            client_credentials=True,
            rate="org_analytics",
        ),
        _op("media/create", "pins:read pins:write", client_credentials=False, rate="org_write"),
        _op("media/list", "pins:read", client_credentials=False, rate="org_read"),
        _op("media/get", "pins:read", client_credentials=False, rate="org_read"),
    )
}

# pinsight's own operations (outside /v5, not in Pinterest's spec). The overview API
# takes API keys, not OAuth tokens: it needs no scopes, only its rate category.
PINSIGHT_OPERATIONS: dict[str, Operation] = {
    op.operation_id: op
    for op in (
        _op("pinsight/ingest_daily_metrics", "pins:read pins:write", client_credentials=True, rate="ingest"),
        _op("pinsight/ingest_events", "pins:read pins:write", client_credentials=True, rate="ingest"),
        _op("pinsight/overview", "", client_credentials=False, rate="overview"),
        _op("pinsight/posts", "", client_credentials=False, rate="overview"),
    )
}

def operation(operation_id: str) -> Operation:
    """The declaration of a Pinterest or pinsight operation."""
    return OPERATIONS.get(operation_id) or PINSIGHT_OPERATIONS[operation_id]


# Extra scopes an operation needs when it touches SECRET content.
SECRET_READ_SCOPES = {"boards": "boards:read_secret", "pins": "pins:read_secret"}
SECRET_WRITE_SCOPES = {"boards": "boards:write_secret", "pins": "pins:write_secret"}


def parse_scopes(text: str) -> frozenset[str]:
    """Scopes as OAuth writes them: separated by commas and/or spaces."""
    return frozenset(part for part in text.replace(",", " ").split() if part)


def unknown_scopes(scopes: frozenset[str]) -> list[str]:
    return sorted(s for s in scopes if s not in ALL_SCOPES)
