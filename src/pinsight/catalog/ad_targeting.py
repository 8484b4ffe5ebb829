"""The targeting types of the ads targeting analytics, declared once: which report levels
take each (the spec's four enums), and where a row's slice of it comes from.

Every slice is read from facts pinsight stores: the app and the viewer's facts an ad
action carries (``catalog.ad_actions.AD_ACTION_DIMENSIONS``), or, for ``CREATIVE_TYPE``,
the ad's own creative type. A type reads its facts in order and takes the first one the
action carries (``LOCATION``: the action's US metro, else its country); an action that
carries none of them counts in the one ``UNKNOWN_SLICE`` of that type, so the slices of
any type always add up to the untargeted total.
"""

from __future__ import annotations

from dataclasses import dataclass

from pinsight.catalog.ad_actions import AD_APP_TYPE_FACT

# The slice of the actions that carry none of a type's facts.
UNKNOWN_SLICE = "unknown"
# AGE_BUCKET_AND_GENDER's value joins the two with this ("25-34_female").
AGE_GENDER_SEPARATOR = "_"
# The ad attribute CREATIVE_TYPE slices by: no action fact, the ad's own.
AD_CREATIVE_TYPE = "creative_type"


@dataclass(frozen=True)
class TargetingType:
    """A reporting targeting type: its name, the action facts its slice is read from (the
    first present wins; empty for an ad attribute) and the report levels that take it."""

    name: str
    reads: tuple[str, ...]
    levels: frozenset[str]
    # True where the slice joins two facts (AGE_BUCKET_AND_GENDER), each UNKNOWN_SLICE when absent.
    joined: bool = False

    @property
    def from_actions(self) -> bool:
        return bool(self.reads)


_ALL = frozenset({"AD_ACCOUNT", "CAMPAIGN", "AD_GROUP", "AD"})


def _only(*levels: str) -> frozenset[str]:
    return frozenset(levels)


# In the order the spec's ad-account enum lists them, then the level-specific ones.
TARGETING_TYPES: tuple[TargetingType, ...] = (
    TargetingType("KEYWORD", ("keyword",), _ALL),
    TargetingType("APPTYPE", (AD_APP_TYPE_FACT,), _ALL),
    TargetingType("GENDER", ("gender",), _ALL),
    TargetingType("LOCATION", ("metro", "country"), _ALL),  # LOCATION holds US metros and countries
    TargetingType("PLACEMENT", ("placement",), _ALL),
    TargetingType("COUNTRY", ("country",), _ALL),
    TargetingType("TARGETED_INTEREST", ("targeted_interest",), _ALL),
    TargetingType("PINNER_INTEREST", ("interest",), _ALL),
    TargetingType("AUDIENCE_INCLUDE", ("audience",), _ALL),
    TargetingType("GEO", ("region", "metro", "country"), _ALL),  # GEO: regions, US metros, countries
    TargetingType("AGE_BUCKET", ("age_bucket",), _ALL),
    TargetingType("REGION", ("region",), _ALL),
    TargetingType("AGE_BUCKET_AND_GENDER", ("age_bucket", "gender"), _ALL, joined=True),
    TargetingType("CREATIVE_TYPE", (), _only("CAMPAIGN")),
    TargetingType("AUDIENCE_MULTIPLIER", ("audience_multiplier",), _only("CAMPAIGN")),
    TargetingType("CREATIVE_ENHANCEMENTS", ("creative_enhancement",), _only("AD_GROUP")),
    TargetingType("QUIZ_RESULT", ("quiz_result",), _only("AD")),
)
BY_NAME: dict[str, TargetingType] = {kind.name: kind for kind in TARGETING_TYPES}
# The types a stored action profile gives a slice of (all but the ad attributes').
ACTION_TARGETING_TYPES: tuple[TargetingType, ...] = tuple(kind for kind in TARGETING_TYPES if kind.from_actions)


def types_for_level(level: str) -> tuple[str, ...]:
    """The targeting types a report of ``level`` (AD_ACCOUNT, CAMPAIGN, AD_GROUP, AD) takes."""
    return tuple(kind.name for kind in TARGETING_TYPES if level in kind.levels)


def slice_of(kind: TargetingType, facts: dict[str, str]) -> str:
    """The slice of ``kind`` for an action carrying ``facts`` (its app type under
    ``AD_APP_TYPE_FACT`` and its dimensions)."""
    if kind.joined:
        return AGE_GENDER_SEPARATOR.join(facts.get(name) or UNKNOWN_SLICE for name in kind.reads)
    for name in kind.reads:
        value = facts.get(name)
        if value:
            return value
    return UNKNOWN_SLICE

