"""OAuth scopes. Which scopes each operation needs is declared in ``catalog.operations``."""

from __future__ import annotations

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


# Extra scopes an operation needs when it touches SECRET content.
SECRET_READ_SCOPES = {"boards": "boards:read_secret", "pins": "pins:read_secret"}
SECRET_WRITE_SCOPES = {"boards": "boards:write_secret", "pins": "pins:write_secret"}


def parse_scopes(text: str) -> frozenset[str]:
    """Scopes as OAuth writes them: separated by commas and/or spaces."""
    return frozenset(part for part in text.replace(",", " ").split() if part)


def unknown_scopes(scopes: frozenset[str]) -> list[str]:
    return sorted(s for s in scopes if s not in ALL_SCOPES)
