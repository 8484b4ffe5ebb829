"""Business Access roles, and the board privacies they decide access to.

Which roles let a user act as an ad account's owner is stated per operation (in the
spec's text): ``catalog.operations`` declares them with each operation. The same roles
decide what lists and rankings of the owner's content show a delegate
(``services.identity.access.readable_privacies``).
"""

from __future__ import annotations

ROLES: tuple[str, ...] = (
    "OWNER",
    "ADMIN",
    "ANALYST",
    "SOS_READER",
    "FINANCE_MANAGER",
    "FINANCE_VIEW",
    "FINANCE_EDIT",
    "AUDIENCE_MANAGER",
    "CAMPAIGN_MANAGER",
    "CATALOGS_MANAGER",
    "RESTRICTED_OWNER",
    "PROFILE_MANAGER",
    "PROFILE_PUBLISHER",
)

BOARD_PRIVACIES: tuple[str, ...] = ("PUBLIC", "PROTECTED", "SECRET")
# What an update may set a board's privacy to (a protected board stays one: the spec's
# BoardUpdate has no PROTECTED).
UPDATABLE_PRIVACIES: tuple[str, ...] = ("PUBLIC", "SECRET")
# The boards list's ``privacy`` filter: the board privacies each value selects.
PRIVACY_FILTERS: dict[str, tuple[str, ...]] = {
    "ALL": BOARD_PRIVACIES,
    "PUBLIC": ("PUBLIC",),
    "PROTECTED": ("PROTECTED",),
    "SECRET": ("SECRET",),
    "PUBLIC_AND_SECRET": ("PUBLIC", "SECRET"),
}


def role_names(roles) -> str:
    """Roles as a sentence names them, in ``ROLES`` order: "Owner, Admin or Analyst"."""
    names = [role.replace("_", " ").title() for role in ROLES if role in roles]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
