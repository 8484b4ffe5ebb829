"""Audience insights, declared once: the audience types, who counts as engaged, the facets a
person is counted under, and the names the answers give their values.

An audience is a set of people (``person_key``s, as ad actions and organic events name
them). ``YOUR_TOTAL_AUDIENCE`` holds everyone who saw an ad account's ads or its owner's
pins; ``YOUR_ENGAGED_AUDIENCE`` those of them who engaged; ``PINTEREST_TOTAL_AUDIENCE``
everyone pinsight has seen. Each person is counted under one value of every facet: the
facts of their earliest action or event (by instant, then id, then the ad account's or pin
owner's id), whatever order they were sent in (``domain.ads.audience_facts``,
``services.ads.audiences``).
"""

from __future__ import annotations

from pinsight.catalog.ad_actions import ACTION_TYPES, ActionKind
from pinsight.catalog.events import EVENT_TYPES

# The spec's AudienceInsightType, in its order (the first is its default).
YOUR_TOTAL = "YOUR_TOTAL_AUDIENCE"
YOUR_ENGAGED = "YOUR_ENGAGED_AUDIENCE"
PINTEREST_TOTAL = "PINTEREST_TOTAL_AUDIENCE"
AUDIENCE_INSIGHT_TYPES: tuple[str, ...] = (YOUR_TOTAL, YOUR_ENGAGED, PINTEREST_TOTAL)

# Engaged: a person who did more with an ad than see it. Attribution already sorts every
# ad action type into views, engagements and clicks (``catalog.ad_actions``); a click is
# the strongest engagement there is, so the engaged audience takes both, and an action
# type added to the catalogue is classified here by its kind, never by a second list.
ENGAGED_ACTION_TYPES: frozenset[str] = frozenset(
    name for name, kind in ACTION_TYPES.items() if kind in (ActionKind.CLICK, ActionKind.ENGAGEMENT))
# Organic events: every type but the impression is something the viewer did with the pin
# (saves, clicks, comments, reactions, follows, and video plays, which the ads catalogue
# counts as engagements too).
ENGAGED_EVENT_TYPES: frozenset[str] = frozenset(name for name in EVENT_TYPES if name != "IMPRESSION")

# The facets a person is counted under: the stored column of each (``audience_people``)
# and the fact it reads. GEO is one facet for countries and US metros together
# ("US:501", or "FR"), so that metros nest in their country (``domain.ads.audience_privacy``
# needs every facet to be a tree); INTEREST holds the interest id, mapped to its category
# and subcategory when read, so the taxonomy's shape is never frozen into stored rows.
DEVICE, GENDER, AGE, GEO, INTEREST = "device", "gender", "age", "geo", "interest"
FACETS: tuple[str, ...] = (DEVICE, GENDER, AGE, GEO, INTEREST)
# A person without the fact: a value of its own, never published as a slice.
UNKNOWN = ""
# A geo value with a metro: the country, this, the DMA code.
GEO_SEPARATOR = ":"
METRO_COUNTRY = "US"

# The scope id of the whole population (PINTEREST_TOTAL_AUDIENCE) in the rollup tables;
# every other scope is an ad account's id or a pin owner's user id (ids are unique across
# tables, so one column names both).
EVERYONE = 0

# How the answers name values the dictionaries do not (the spec names the values only).
GENDER_NAMES = {"female": "Female", "male": "Male", "unknown": "Unspecified & custom"}
DEVICE_NAMES = {"android_mobile": "Android Mobile", "android_tablet": "Android Tablet", "ipad": "iPad",
                "iphone": "iPhone", "web": "Web", "web_mobile": "Mobile Web"}

# The definitions insights/audiences lists (the spec's AudienceDefinition): the audience
# each stands for, its scope (whose pins the interactions were with) and its type.
AUDIENCE_DEFINITIONS: tuple[tuple[str, str, str], ...] = (
    (YOUR_TOTAL, "PARTNER", "IMPRESSION_PLUS_ENGAGEMENT"),
    (YOUR_ENGAGED, "PARTNER", "ENGAGEMENT"),
    (PINTEREST_TOTAL, "PINTEREST", "IMPRESSION_PLUS_ENGAGEMENT"),
)
