"""An ad action's profile: the set of targeting facts it carries (its app type and its
viewer dimensions), with the slice of every targeting type those facts give.

Actions that carry the same facts share one profile, so the stored conversion rollup
keeps a profile id rather than a slice per targeting type, and a targeting report groups
the rollup by a column of the profiles. The id is a function of the facts alone (the
first 60 bits of their SHA-256 digest), so every writer, in any process, derives the same
id without asking the database; the store keeps the digest beside it and refuses a second
set of facts under one id rather than merge them.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache

from pinsight.catalog.ad_actions import AD_APP_TYPE_FACT
from pinsight.catalog.ad_targeting import ACTION_TARGETING_TYPES, slice_of

# The profile column each action targeting type's slice is stored in.
SLICE_COLUMNS: dict[str, str] = {kind.name: kind.name.lower() for kind in ACTION_TARGETING_TYPES}


@dataclass(frozen=True)
class Profile:
    id: int
    digest: str
    app_type: str | None
    dimensions: str | None  # the action's JSON text, keys sorted (``domain.ads.ad_events``)
    slices: tuple[str, ...]  # one per ``ACTION_TARGETING_TYPES``, in its order

    def slice(self, targeting_type: str) -> str:
        return self.slices[_POSITION[targeting_type]]


_POSITION = {kind.name: n for n, kind in enumerate(ACTION_TARGETING_TYPES)}


@lru_cache(maxsize=65536)
def profile_of(app_type: str | None, dimensions: str | None) -> Profile:
    """The profile of an action with this app type and these dimensions (JSON text with
    sorted keys, as actions store it; None for none)."""
    canonical = json.dumps([app_type, dimensions], separators=(",", ":"))
    digest = hashlib.sha256(canonical.encode()).hexdigest()
    facts = dict(json.loads(dimensions)) if dimensions else {}
    if app_type is not None:
        facts[AD_APP_TYPE_FACT] = app_type
    slices = tuple(slice_of(kind, facts) for kind in ACTION_TARGETING_TYPES)
    return Profile(int(digest[:15], 16), digest, app_type, dimensions, slices)
