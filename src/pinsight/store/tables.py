"""SQLAlchemy table definitions: the database's shape, and nothing else.

Ids are Pinterest-style numeric ids kept as BIGINT (rendered as strings by the API);
they grow with time, so ``ORDER BY id DESC`` is newest first and serves keyset pages.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Date,
    Float,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from pinsight.catalog.ad_actions import ACTION_TYPES
from pinsight.catalog.audiences import FACETS as AUDIENCE_FACETS
from pinsight.domain.ads.action_profiles import SLICE_COLUMNS

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

server_secrets = Table(
    "server_secrets",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("value", String(256), nullable=False),
)

users = Table(
    "users",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("username", String(64), nullable=False, unique=True),
    Column("account_type", String(16), nullable=False, default="BUSINESS"),
    Column("business_name", String(256)),
    Column("about", Text, nullable=False, default=""),
    Column("website_url", String(2048), nullable=False, default=""),
    Column("profile_image", String(2048), nullable=False, default=""),
    Column("follower_count", Integer, nullable=False, default=0),
    Column("following_count", Integer, nullable=False, default=0),
    Column("monthly_views", Integer, nullable=False, default=0),
    Column("created_at", DateTime(timezone=False), nullable=False),
)

apps = Table(
    "apps",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("name", String(256), nullable=False),
    Column("secret_hash", String(128), nullable=False),
    Column("redirect_uris", Text, nullable=False, default=""),
    Column("owner_id", BigInteger, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", DateTime(timezone=False), nullable=False),
)

tokens = Table(
    "tokens",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("token_hash", String(128), nullable=False, unique=True),
    Column("kind", String(16), nullable=False),  # access | refresh
    Column("grant", String(32), nullable=False),  # authorization_code | refresh_token | client_credentials | cli
    Column("user_id", BigInteger, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("app_id", BigInteger, ForeignKey("apps.id", ondelete="CASCADE")),
    Column("scopes", Text, nullable=False),
    Column("expires_at", DateTime(timezone=False), nullable=False),
    Column("revoked", Boolean, nullable=False, default=False),
    Column("created_at", DateTime(timezone=False), nullable=False),
    # The tokens descending from one authorization (a code exchange and every refresh after
    # it) share the id of their family, so a replayed refresh token revokes them all. A token
    # issued on its own (client_credentials, cli) is a family of one: its own id.
    Column("family_id", BigInteger, nullable=False),
)
Index("ix_tokens_family_id", tokens.c.family_id)

auth_codes = Table(
    "auth_codes",
    metadata,
    Column("code_hash", String(128), primary_key=True),
    Column("app_id", BigInteger, ForeignKey("apps.id", ondelete="CASCADE"), nullable=False),
    Column("user_id", BigInteger, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("redirect_uri", String(2048), nullable=False),
    Column("scopes", Text, nullable=False),
    Column("expires_at", DateTime(timezone=False), nullable=False),
    Column("used", Boolean, nullable=False, default=False),
)

boards = Table(
    "boards",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("owner_id", BigInteger, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(180), nullable=False),
    Column("description", Text),
    Column("privacy", String(16), nullable=False),
    Column("is_ads_only", Boolean, nullable=False, default=False),
    Column("follower_count", Integer, nullable=False, default=0),
    Column("collaborator_count", Integer, nullable=False, default=0),
    Column("created_at", DateTime(timezone=False), nullable=False),
    Column("pins_modified_at", DateTime(timezone=False), nullable=False),
    UniqueConstraint("owner_id", "name", name="uq_boards_owner_name"),
)
Index("ix_boards_owner_id_id", boards.c.owner_id, boards.c.id)

sections = Table(
    "board_sections",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("board_id", BigInteger, ForeignKey("boards.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(180), nullable=False),
    Column("created_at", DateTime(timezone=False), nullable=False),
    UniqueConstraint("board_id", "name", name="uq_board_sections_board_name"),
)
Index("ix_board_sections_board_id_id", sections.c.board_id, sections.c.id)

pins = Table(
    "pins",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("owner_id", BigInteger, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("board_id", BigInteger, ForeignKey("boards.id", ondelete="CASCADE"), nullable=False),
    Column("section_id", BigInteger, ForeignKey("board_sections.id", ondelete="CASCADE")),
    Column("title", String(100)),
    Column("description", String(800)),
    Column("link", String(2048)),
    Column("alt_text", String(500)),
    Column("dominant_color", String(32)),
    Column("creative_type", String(40), nullable=False),
    Column("source_type", String(40), nullable=False),
    Column("media", Text, nullable=False),  # JSON: the Pin's media block as the API renders it
    Column("is_standard", Boolean, nullable=False, default=True),
    Column("has_been_promoted", Boolean, nullable=False, default=False),
    Column("parent_pin_id", BigInteger),
    Column("created_at", DateTime(timezone=False), nullable=False),
)
Index("ix_pins_owner_id_id", pins.c.owner_id, pins.c.id)
Index("ix_pins_board_id_id", pins.c.board_id, pins.c.id)
Index("ix_pins_section_id_id", pins.c.section_id, pins.c.id)

ad_accounts = Table(
    "ad_accounts",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("owner_id", BigInteger, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(256), nullable=False),
    Column("country", String(2), nullable=False, default="US"),
    Column("currency", String(3), nullable=False, default="USD"),
    Column("created_at", DateTime(timezone=False), nullable=False),
    Column("updated_at", DateTime(timezone=False), nullable=False),
)
Index("ix_ad_accounts_owner_id", ad_accounts.c.owner_id)

ad_account_roles = Table(
    "ad_account_roles",
    metadata,
    Column("ad_account_id", BigInteger, ForeignKey("ad_accounts.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("role", String(40), primary_key=True),
)
Index("ix_ad_account_roles_user_id", ad_account_roles.c.user_id)

# Campaigns of an ad account (services.ads.campaigns). Times the client sets (start_time,
# end_time) are Unix seconds as sent; tracking_urls and bid_options are JSON objects as text.
# summary_status is not stored: it follows from the status, the schedule and the clock
# (domain.ads.campaigns).
campaigns = Table(
    "campaigns",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("ad_account_id", BigInteger, ForeignKey("ad_accounts.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(256), nullable=False),
    Column("status", String(16), nullable=False),
    Column("objective_type", String(32), nullable=False),
    Column("daily_spend_cap", BigInteger),
    Column("lifetime_spend_cap", BigInteger),
    Column("start_time", BigInteger),
    Column("end_time", BigInteger),
    Column("tracking_urls", Text),
    Column("is_flexible_daily_budgets", Boolean),
    Column("default_ad_group_budget_in_micro_currency", BigInteger),
    Column("is_campaign_budget_optimization", Boolean),
    Column("is_automated_campaign", Boolean),
    Column("order_line_id", String(19)),
    Column("bid_options", Text),
    Column("created_at", DateTime(timezone=False), nullable=False),
    Column("updated_at", DateTime(timezone=False), nullable=False),
)
Index("ix_campaigns_ad_account_id_id", campaigns.c.ad_account_id, campaigns.c.id)

# Ad groups of a campaign and ads of an ad group (services.ads). The columns analytics and
# the list filters read are columns; the rest of what a client sets (targeting_spec,
# tracking_urls, bid and budget details, creative fields) is one JSON object as text,
# ``attributes``, rendered back as sent.
ad_groups = Table(
    "ad_groups",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("ad_account_id", BigInteger, ForeignKey("ad_accounts.id", ondelete="CASCADE"), nullable=False),
    Column("campaign_id", BigInteger, ForeignKey("campaigns.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(256), nullable=False),
    Column("status", String(16), nullable=False),
    Column("start_time", BigInteger),
    Column("end_time", BigInteger),
    Column("attributes", Text, nullable=False),
    Column("created_at", DateTime(timezone=False), nullable=False),
    Column("updated_at", DateTime(timezone=False), nullable=False),
)
Index("ix_ad_groups_ad_account_id_id", ad_groups.c.ad_account_id, ad_groups.c.id)
Index("ix_ad_groups_campaign_id", ad_groups.c.campaign_id)

ads = Table(
    "ads",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("ad_account_id", BigInteger, ForeignKey("ad_accounts.id", ondelete="CASCADE"), nullable=False),
    Column("campaign_id", BigInteger, ForeignKey("campaigns.id", ondelete="CASCADE"), nullable=False),
    Column("ad_group_id", BigInteger, ForeignKey("ad_groups.id", ondelete="CASCADE"), nullable=False),
    # The promoted pin: kept when the pin is deleted (the ad then says is_pin_deleted).
    Column("pin_id", BigInteger, nullable=False),
    Column("name", String(256)),
    Column("status", String(16), nullable=False),
    Column("creative_type", String(40), nullable=False),
    Column("attributes", Text, nullable=False),
    Column("created_at", DateTime(timezone=False), nullable=False),
    Column("updated_at", DateTime(timezone=False), nullable=False),
)
Index("ix_ads_ad_account_id_id", ads.c.ad_account_id, ads.c.id)
Index("ix_ads_ad_group_id", ads.c.ad_group_id)
Index("ix_ads_campaign_id", ads.c.campaign_id)
Index("ix_ads_pin_id", ads.c.pin_id)

# ---- ads delivery and conversions ----------------------------------------------------------
# Ad actions as ingested (POST /api/v1/ad_events), idempotent by (ad account, id). A
# Conversions API event's click_id names an action's id. ``person_key`` is "em:<sha256>"
# or "external_id:<sha256>", the form conversions' identifiers take
# (domain.ads.conversion_events), so matching is equality.
#
# No foreign keys (migration 0018): a key checks its parent row for every action written,
# which took a third of the time of writing a batch of 50,000 on PostgreSQL. Integrity
# holds without them: actions are written only for the ads that ``writable_ads`` found in
# the same transaction, under the ad account's lock, and nothing deletes ads or ad
# accounts (Pinterest archives them through their status).
ad_actions = Table(
    "ad_actions",
    metadata,
    Column("ad_account_id", BigInteger, primary_key=True),
    Column("id", String(128), primary_key=True),
    Column("ad_id", BigInteger, nullable=False),
    Column("type", String(20), nullable=False),
    Column("occurred_at", DateTime(timezone=False), nullable=False),
    Column("person_key", String(80), nullable=False),
    Column("household_id", String(128)),
    Column("spend_micro_dollar", BigInteger),
    Column("app_type", String(20)),
    Column("dimensions", Text),  # JSON: the viewer's targeting facts, for targeting analytics
    Column("received_at", DateTime(timezone=False), nullable=False),
)
Index("ix_ad_actions_person", ad_actions.c.ad_account_id, ad_actions.c.person_key, ad_actions.c.occurred_at)

# Who is in which household, as the ad actions say (one row per person and household of an
# account): attribution reads households from here, so its cost follows the people and
# households involved, never the number of actions stored.
ad_household_members = Table(
    "ad_household_members",
    metadata,
    Column("ad_account_id", BigInteger, ForeignKey("ad_accounts.id", ondelete="CASCADE"), primary_key=True),
    Column("household_id", String(128), primary_key=True),
    Column("person_key", String(80), primary_key=True),
)
# Covering (the household too): otherwise SQLite, which keeps no statistics, preferred the
# covering primary key on the account alone and read every member of the account for each
# lookup by person (migration 0016).
Index("ix_ad_household_members_person", ad_household_members.c.ad_account_id, ad_household_members.c.person_key,
      ad_household_members.c.household_id)
Index("ix_ad_actions_ad_id_occurred_at", ad_actions.c.ad_id, ad_actions.c.occurred_at)

# Ad delivery per ad and reporting day, in each of catalog.ad_reporting.ROLLUP_ZONES:
# the count of each action type and the spend. Equal to a rebuild from ad_actions
# (store.ads.ad_rollups.rebuild_delivery).
DELIVERY_COUNTS: tuple[str, ...] = tuple(name.lower() for name in ACTION_TYPES)
ad_delivery_daily = Table(
    "ad_delivery_daily",
    metadata,
    Column("ad_id", BigInteger, ForeignKey("ads.id", ondelete="CASCADE"), primary_key=True),
    Column("zone", String(32), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("ad_account_id", BigInteger, nullable=False),
    Column("campaign_id", BigInteger, nullable=False),
    Column("ad_group_id", BigInteger, nullable=False),
    *(Column(name, BigInteger, nullable=False, default=0) for name in DELIVERY_COUNTS),
    Column("spend_micro_dollar", BigInteger, nullable=False, default=0),
    # SQLite: rows live in key order, so an ad's days are one run of pages (migration 0014).
    sqlite_with_rowid=False,
)
Index("ix_ad_delivery_daily_account", ad_delivery_daily.c.ad_account_id, ad_delivery_daily.c.zone, ad_delivery_daily.c.day)

# Conversions API events, deduplicated by (ad account, event_id). ``value_micro`` is
# custom_data.value in micro units; ``households`` is not stored: it follows from the
# person's ad actions.
ad_conversions = Table(
    "ad_conversions",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("ad_account_id", BigInteger, ForeignKey("ad_accounts.id", ondelete="CASCADE"), nullable=False),
    Column("event_id", String(256), nullable=False),
    Column("event_name", String(32), nullable=False),
    Column("action_source", String(16), nullable=False),
    Column("occurred_at", DateTime(timezone=False), nullable=False),
    Column("click_id", String(256)),
    Column("value_micro", BigInteger),
    Column("currency", String(3)),
    Column("num_items", BigInteger),
    Column("order_id", String(1024)),
    Column("received_at", DateTime(timezone=False), nullable=False),
    UniqueConstraint("ad_account_id", "event_id", name="uq_ad_conversions_event_id"),
)
Index("ix_ad_conversions_click_id", ad_conversions.c.ad_account_id, ad_conversions.c.click_id)

# The person identifiers of each conversion ("em:<sha256>", ...), to find the
# conversions a newly ingested ad action may change.
ad_conversion_keys = Table(
    "ad_conversion_keys",
    metadata,
    Column("conversion_id", BigInteger, ForeignKey("ad_conversions.id", ondelete="CASCADE"), primary_key=True),
    Column("person_key", String(80), primary_key=True),
    Column("ad_account_id", BigInteger, nullable=False),
)
Index("ix_ad_conversion_keys_person", ad_conversion_keys.c.ad_account_id, ad_conversion_keys.c.person_key)

# Per conversion and attribution type, each kind's latest candidate action within the
# longest window and the shortest window that reaches it (domain.ads.attribution.Touch):
# all any window combination needs.
ad_conversion_touches = Table(
    "ad_conversion_touches",
    metadata,
    Column("conversion_id", BigInteger, ForeignKey("ad_conversions.id", ondelete="CASCADE"), primary_key=True),
    Column("attribution_type", String(10), primary_key=True),
    Column("kind", String(10), primary_key=True),
    Column("action_id", String(128), nullable=False),
    Column("ad_id", BigInteger, nullable=False),
    Column("occurred_at", DateTime(timezone=False), nullable=False),
    Column("reach_days", SmallInteger, nullable=False),
    # The touched action's profile (domain.ads.action_profiles): the rollup row it feeds.
    Column("profile_id", BigInteger, nullable=False, server_default="0"),
)

# Attributed conversions summed per ad, reporting day, report time and attribution type,
# by the touch's kind and reach and the reaches of the higher-ranked kinds' touches
# (NO_TOUCH when the conversion has none): which rows count for given windows is a
# condition on these columns (store.ads.ad_analytics), so every window combination is
# one aggregate. Equal to a rebuild from the touches (store.ads.ad_rollups).
ad_conversion_daily = Table(
    "ad_conversion_daily",
    metadata,
    Column("ad_id", BigInteger, ForeignKey("ads.id", ondelete="CASCADE"), primary_key=True),
    Column("zone", String(32), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("report_time", String(20), primary_key=True),
    Column("attribution_type", String(10), primary_key=True),
    Column("kind", String(10), primary_key=True),
    Column("reach_days", SmallInteger, primary_key=True),
    Column("click_reach_days", SmallInteger, primary_key=True),
    Column("engagement_reach_days", SmallInteger, primary_key=True),
    Column("event_name", String(32), primary_key=True),
    Column("action_source", String(16), primary_key=True),
    # The credited touch's profile: targeting reports group by its slices, the others sum
    # over it (migration 0019).
    Column("profile_id", BigInteger, primary_key=True),
    Column("ad_account_id", BigInteger, nullable=False),
    Column("campaign_id", BigInteger, nullable=False),
    Column("ad_group_id", BigInteger, nullable=False),
    Column("conversions", BigInteger, nullable=False),
    Column("value_micro", BigInteger, nullable=False),
    Column("quantity", BigInteger, nullable=False),
    sqlite_with_rowid=False,  # as ad_delivery_daily (migration 0014)
)
# Covering (migration 0022): the ad-account targeting report reads an account's credited
# conversions of one zone, report time and attribution type over a range of days as one
# run of this index, where reading each row from the table apart (or every ad's rows of
# every report time) cost 2 to 3 times as much on SQLite (20-million-action benchmark).
Index(
    "ix_ad_conversion_daily_account", ad_conversion_daily.c.ad_account_id, ad_conversion_daily.c.zone,
    ad_conversion_daily.c.report_time, ad_conversion_daily.c.attribution_type, ad_conversion_daily.c.day,
    *(ad_conversion_daily.c[name] for name in ("kind", "reach_days", "click_reach_days", "engagement_reach_days",
                                                "event_name", "action_source", "profile_id", "conversions",
                                                "value_micro", "quantity")),
)

# The distinct sets of targeting facts ad actions carry (domain.ads.action_profiles), with
# the slice of each action targeting type they give, so that a targeting report groups
# the conversion rollup by one column. Shared by every account: a profile holds facts
# about no one in particular, and its id is derived from the facts.
ad_action_profiles = Table(
    "ad_action_profiles",
    metadata,
    # SQLite: INTEGER, so the id is the rowid and a lookup by id is one search of the table
    # (a BIGINT key is a separate index: two searches per conversion row a report joins).
    Column("id", BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=False),
    Column("digest", String(64), nullable=False),
    Column("app_type", String(20)),
    Column("dimensions", Text),
    *(Column(column, String(300), nullable=False) for column in SLICE_COLUMNS.values()),
)

# Ad delivery per ad account, reporting day and slice of each action targeting type: the
# ad-account targeting report reads a few hundred rows a day from here instead of the
# day's every action. Equal to a rebuild from ad_actions (tests/support/ads_oracle.py).
ad_targeting_daily = Table(
    "ad_targeting_daily",
    metadata,
    Column("ad_account_id", BigInteger, primary_key=True),
    Column("zone", String(32), primary_key=True),
    Column("targeting_type", String(32), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("targeting_value", String(300), primary_key=True),
    *(Column(name, BigInteger, nullable=False, default=0) for name in DELIVERY_COUNTS),
    Column("spend_micro_dollar", BigInteger, nullable=False, default=0),
    sqlite_with_rowid=False,
)

# ---- audience insights -------------------------------------------------------------------
# The people ad actions and organic events have named (catalog.audiences), kept on the
# write paths so that audience insights read a few hundred counts however many actions are
# stored; all equal to a rebuild from the actions and events (tests/support/audience_oracle.py).

# Everyone pinsight has seen, with the facet values of their earliest sighting
# (domain.ads.audience_facts; "" for a fact not given): of all the ad actions and organic
# events that name them, the first by instant, then id, then the ad account's or pin
# owner's id (``first_*``, that sighting's). So a person's facts do not depend on the order
# the actions and events came in (services.ads.audiences). One row per person: the
# person's facts are the same in every audience, so every account's audience nests in the
# whole population (domain.ads.audience_privacy relies on it).
audience_people = Table(
    "audience_people",
    metadata,
    Column("person_key", String(80), primary_key=True),
    *(Column(facet, String(64), nullable=False) for facet in AUDIENCE_FACETS),
    Column("first_at", DateTime(timezone=False), nullable=False),
    Column("first_id", String(128), nullable=False),
    Column("first_source", BigInteger, nullable=False),
    sqlite_with_rowid=False,
)

# Who is in which audience: an ad account's (its ads' viewers and its owner's pins'
# organic viewers) or a pin owner's (its pins' organic viewers, copied into an ad account
# the owner creates later); ``engaged`` once any of their actions or events engaged.
audience_members = Table(
    "audience_members",
    metadata,
    Column("scope_id", BigInteger, primary_key=True),
    Column("person_key", String(80), primary_key=True),
    Column("engaged", Boolean, nullable=False),
    sqlite_with_rowid=False,
)
# A person's audiences: where their counts move when an earlier sighting changes their facts.
Index("ix_audience_members_person", audience_members.c.person_key)

# People per audience (an ad account's, or everyone's: scope 0), facet and value, and how
# many of them engaged: what audience insights read.
audience_slices = Table(
    "audience_slices",
    metadata,
    Column("scope_id", BigInteger, primary_key=True),
    Column("facet", String(16), primary_key=True),
    Column("value", String(64), primary_key=True),
    Column("people", BigInteger, nullable=False),
    Column("engaged", BigInteger, nullable=False),
    sqlite_with_rowid=False,
)

# The UTC day of the newest action or event counted in each audience: the answers' date.
audience_scopes = Table(
    "audience_scopes",
    metadata,
    Column("scope_id", BigInteger, primary_key=True),
    Column("last_day", Date, nullable=False),
)

# ---- organic analytics ----------------------------------------------------------------
# One row per pin, day, app type and traffic kind, holding every stored (additive) metric
# of the catalogue. Rows exist only where something happened: a long-tail pin's quiet
# days cost nothing. ``owner_id`` is the pin owner's, kept here so account-wide
# aggregates read one covering index without joining pins.
from pinsight.catalog.dimensions import APP_TYPES, TRAFFIC_KINDS  # noqa: E402,F401 -- (re-exported)
from pinsight.catalog.metrics import STORED_COLUMNS  # noqa: E402

pin_daily_metrics = Table(
    "pin_daily_metrics",
    metadata,
    Column("pin_id", BigInteger, ForeignKey("pins.id", ondelete="CASCADE"), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("app_type", String(8), primary_key=True),
    Column("traffic", String(8), primary_key=True),
    Column("owner_id", BigInteger, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    *(Column(name, BigInteger, nullable=False, default=0) for name in STORED_COLUMNS),
    # SQLite: rows live in key order, so a pin's days are one run of pages (migration 0005).
    sqlite_with_rowid=False,
)
Index("ix_pin_daily_metrics_owner_id_day", pin_daily_metrics.c.owner_id, pin_daily_metrics.c.day)

# ---- ingested engagement events -------------------------------------------------------
# The ids of the events POST /api/v1/events has applied, so that an event sent again is
# recognised and counted once. Ids are client-chosen, so they are scoped by the pins'
# owner: two accounts may use the same id. ``pin_id`` is informative only (no foreign
# key: pin ids are never reused, and an index for cascades would cost every insert).
ingested_events = Table(
    "ingested_events",
    metadata,
    Column("owner_id", BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("id", String(128), primary_key=True),
    Column("pin_id", BigInteger, nullable=False),
    Column("received_at", DateTime(timezone=False), nullable=False),
    # What the event added and when it happened (naive UTC): the daily rows keep whole
    # UTC days only, and the overview API counts days in any time zone. NULL for events
    # applied before migration 0006.
    Column("occurred_at", DateTime(timezone=False)),
    Column("metric", String(40)),
    Column("amount", BigInteger),
    # The viewer, when the event names one (``user``, hashed as ad actions' person keys are)
    # and their facts (``dimensions``, JSON as ad actions keep them): audience insights
    # count them (migration 0021).
    Column("person_key", String(80)),
    Column("dimensions", Text),
    # SQLite: the primary key is the table's only b-tree (no rowid), halving insert work.
    sqlite_with_rowid=False,
)
Index("ix_ingested_events_owner_id_occurred_at", ingested_events.c.owner_id, ingested_events.c.occurred_at)

# ---- overview API keys -----------------------------------------------------------------
# Keys for /api/pinterest/*, stored as SHA-256 hashes only (the key is shown once).
api_keys = Table(
    "api_keys",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("user_id", BigInteger, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("key_hash", String(64), nullable=False, unique=True),
    Column("label", String(100), nullable=False, default=""),
    Column("created_at", DateTime(timezone=False), nullable=False),
)
Index("ix_api_keys_user_id", api_keys.c.user_id)

# Conversion tokens: what Ads Manager generates for an ad account, the bearer tokens the
# Conversions API takes besides OAuth tokens (the spec's conversion_token scheme). Stored
# as SHA-256 hashes; a revoked one stays, so that its hash is never taken again.
conversion_tokens = Table(
    "conversion_tokens",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("ad_account_id", BigInteger, ForeignKey("ad_accounts.id", ondelete="CASCADE"), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=False), nullable=False),
    Column("revoked_at", DateTime(timezone=False)),
)
Index("ix_conversion_tokens_ad_account_id", conversion_tokens.c.ad_account_id)

# ---- change log for cached answers ------------------------------------------------------
# One row per write that changed an owner's metrics or pins, with the days it touched:
# a cached overview answer stays valid while no later row overlaps its periods.
metric_changes = Table(
    "metric_changes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("owner_id", BigInteger, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("first_day", Date, nullable=False),
    Column("last_day", Date, nullable=False),
    Column("changed_at", DateTime(timezone=False), nullable=False),
)
Index("ix_metric_changes_owner_id_id", metric_changes.c.owner_id, metric_changes.c.id)

# ---- derived tables: kept in step with pin_daily_metrics ------------------------------
# All are pure functions of pin_daily_metrics, the pins' attributes and their owners'
# websites, updated in the same transaction as the daily rows (pinsight.store.organic.rollups),
# so range aggregates read a few rows per day or per pin however long the history grows.

# Account totals per day, by every dimension the account filters and splits read: app
# type, traffic kind, the pin format (from the creative type and the traffic), the source
# (created by the owner or saved) and the claimed-content class (CLAIMED or OTHER, from
# the pin's link and the owner's website: pinsight.domain.organic.claimed_content). The class is
# the only one that can change: a link edit moves that pin's amounts to its new class
# (rollups.reclassify_pins); a website changed in the database needs the same for every
# pin of the owner (content.set_website_url) or a rollups.rebuild.
account_daily_metrics = Table(
    "account_daily_metrics",
    metadata,
    Column("owner_id", BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("app_type", String(8), primary_key=True),
    Column("traffic", String(8), primary_key=True),
    Column("pin_format", String(16), primary_key=True),
    Column("source", String(12), primary_key=True),
    Column("owned_content", String(8), primary_key=True),
    *(Column(name, BigInteger, nullable=False, default=0) for name in STORED_COLUMNS),
    sqlite_with_rowid=False,
)

# Running totals per pin: on each day the pin has daily rows, every stored metric summed
# over all app types and traffic from the pin's first day to that day. Any range sum is
# the latest row up to the range's end minus the latest row before its start: two index
# seeks per pin, whatever the range's length.
pin_cumulative_metrics = Table(
    "pin_cumulative_metrics",
    metadata,
    Column("pin_id", BigInteger, ForeignKey("pins.id", ondelete="CASCADE"), primary_key=True),
    Column("day", Date, primary_key=True),
    *(Column(name, BigInteger, nullable=False, default=0) for name in STORED_COLUMNS),
    sqlite_with_rowid=False,
)

# ---- rate limit counters -------------------------------------------------------------
# One row per limited key and window (services.identity.rate_limits, store.identity.rate_limits). The rows
# are disposable, so on PostgreSQL the migration makes the table UNLOGGED (no WAL writes;
# a crash empties it). On SQLite the counters live in a side file beside the database,
# so a request never queues behind the main file's writers: this table stays empty there.
rate_limit_counters = Table(
    "rate_limit_counters",
    metadata,
    Column("bucket", String(200), primary_key=True),
    Column("hits", Integer, nullable=False),
    # The end of the bucket's window, in seconds since the epoch: rows past it are pruned.
    Column("expires_at", BigInteger, nullable=False),
)
Index("ix_rate_limit_counters_expires_at", rate_limit_counters.c.expires_at)

# Running totals per pin, app type and traffic kind: as pin_cumulative_metrics, but one
# series per (pin, app type, traffic) on the days that series has a daily row, so top
# pins filtered by app type, traffic or pin format (a traffic kind plus a creative type)
# rank from two index seeks per series instead of summing daily rows.
pin_cumulative_metrics_by_app_traffic = Table(
    "pin_cumulative_metrics_by_app_traffic",
    metadata,
    Column("pin_id", BigInteger, ForeignKey("pins.id", ondelete="CASCADE"), primary_key=True),
    Column("app_type", String(8), primary_key=True),
    Column("traffic", String(8), primary_key=True),
    Column("day", Date, primary_key=True),
    *(Column(name, BigInteger, nullable=False, default=0) for name in STORED_COLUMNS),
    sqlite_with_rowid=False,
)

# Media uploads registered through POST /v5/media (services.content.media): metadata only, since
# pinsight hosts no media. A video pin names one of its creator's uploads by id.
media_uploads = Table(
    "media_uploads",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("owner_id", BigInteger, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("media_type", String(16), nullable=False),  # video (the spec's only type)
    Column("status", String(16), nullable=False),  # registered | processing | succeeded | failed
    Column("created_at", DateTime(timezone=False), nullable=False),
)
Index("ix_media_uploads_owner_id_id", media_uploads.c.owner_id, media_uploads.c.id)

# ---- background jobs -----------------------------------------------------------------
# Async reports, bulk downloads and exports (``store.jobs``; states: ``domain.jobs``). A
# job is claimed by one worker at a time, which holds it until ``lease_expires_at`` (epoch
# seconds) and renews that while it works; a lapsed lease lets another worker claim it.
# ``scope_id`` (the ad account, or the user for exports) bounds how many run at once.
jobs = Table(
    "jobs",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    # The public handle: an async report's token, a bulk request's id, an export's id.
    Column("token", String(64), nullable=False, unique=True),
    Column("kind", String(32), nullable=False),
    Column("user_id", BigInteger, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("ad_account_id", BigInteger, ForeignKey("ad_accounts.id", ondelete="CASCADE")),
    Column("scope_id", BigInteger, nullable=False),
    Column("params", Text, nullable=False),  # the checked request, as JSON
    Column("state", String(16), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("lease_owner", String(64)),
    Column("lease_expires_at", Float),
    Column("created_at", DateTime(timezone=False), nullable=False),
    Column("started_at", DateTime(timezone=False)),
    Column("finished_at", DateTime(timezone=False)),
    Column("progress_rows", BigInteger, nullable=False, default=0),
    # The finished file: where it is kept, its name for the download, its bytes and rows.
    Column("file_key", String(255)),
    Column("file_name", String(128)),
    Column("file_size", BigInteger),
    Column("row_count", BigInteger),
    Column("expires_at", Float),  # when a finished job's file is deleted (epoch seconds)
    Column("message", Text),
)
Index("ix_jobs_state_id", jobs.c.state, jobs.c.id)
Index("ix_jobs_scope_id_state", jobs.c.scope_id, jobs.c.state)
Index("ix_jobs_ad_account_id", jobs.c.ad_account_id)
Index("ix_jobs_user_id", jobs.c.user_id)

# Saved async report requests of an ad account (``templates/list``,
# ``analytics/create_template_report``): the request's fields, dates relative to the day
# a report is made from it.
report_templates = Table(
    "report_templates",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("ad_account_id", BigInteger, ForeignKey("ad_accounts.id", ondelete="CASCADE"), nullable=False),
    Column("user_id", BigInteger, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(255), nullable=False),
    Column("definition", Text, nullable=False),  # JSON (``domain.ads.report_templates``)
    Column("created_at", DateTime(timezone=False), nullable=False),
    Column("updated_at", DateTime(timezone=False), nullable=False),
)
Index("ix_report_templates_ad_account_id_id", report_templates.c.ad_account_id, report_templates.c.id)
