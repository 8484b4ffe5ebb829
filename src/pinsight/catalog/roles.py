"""Business Access roles, and which of them let a user act as an ad account's owner.

Pinterest's rule (stated per operation in the spec): for content on public or
protected boards, Owner, Admin, Analyst or Campaign Manager; for secret content,
Owner or Admin. The same rule decides what lists and rankings of the owner's content
show a delegate (``services.access.readable_privacies``).
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

CONTENT_ROLES = frozenset({"OWNER", "ADMIN", "ANALYST", "CAMPAIGN_MANAGER"})
SECRET_CONTENT_ROLES = frozenset({"OWNER", "ADMIN"})

# Organic analytics are stricter (stated in the analytics operations' descriptions):
# Admin or Analyst for pins on public or protected boards, Admin for secret ones.
ANALYTICS_ROLES = frozenset({"OWNER", "ADMIN", "ANALYST"})
