"""Every operation pinsight serves, declared once: the one table routes, authorization,
rate limits and pagination read.

Per operation: its id, HTTP method and path, the scopes it needs and whether a
``client_credentials`` token may call it (the spec's ``security`` block), its rate
category (``x-ratelimit-category``), how the caller authenticates, where an
``ad_account_id`` comes from (``QUERY``: Business Access, acting as the ad account's owner;
``PATH``: the ad account is the resource), the Business Access roles that let a delegate
act (for content on public or protected boards, and for secret content), the success
status, and, for a bookmark-paginated list, the values a bookmark is bound to.

Pinterest's entries follow the official spec; ``tests/contract/test_scopes_catalog.py``
checks them against it, and ``tests/api/test_operations.py`` checks that the app serves
exactly this table.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from pinsight.catalog.ad_reporting import REPORTS_BY_LEVEL, TARGETING_REPORTS_BY_LEVEL, SyncReport

from pinsight.catalog.roles import ROLES

# How the caller authenticates.
BEARER = "bearer"  # an OAuth access token (or one minted by the CLI)
APP = "app"  # the OAuth app's id and secret (HTTP Basic), as at /v5/oauth/token
API_KEY = "api_key"  # an overview API key (``apiKey`` query parameter)

# Where an operation takes ``ad_account_id`` from.
QUERY = "query"
PATH = "path"

# Business Access roles, as the spec states them per operation. pinsight adds Owner wherever
# the spec lists Admin: an Owner role on an ad account allows all an Admin's role does.
CONTENT_ROLES = frozenset({"OWNER", "ADMIN", "ANALYST", "CAMPAIGN_MANAGER"})
SECRET_CONTENT_ROLES = frozenset({"OWNER", "ADMIN"})
ANALYTICS_ROLES = frozenset({"OWNER", "ADMIN", "ANALYST"})
# Ads entities (campaigns, ad groups, ads) of an ad account named in the path: the spec states
# Admin, Analyst and Campaign Manager for reading them; writing them is left to the roles that
# manage campaigns (an Analyst only reads).
ADS_READ_ROLES = frozenset({"OWNER", "ADMIN", "ANALYST", "CAMPAIGN_MANAGER"})
ADS_WRITE_ROLES = frozenset({"OWNER", "ADMIN", "CAMPAIGN_MANAGER"})
SECRET_ANALYTICS_ROLES = frozenset({"OWNER", "ADMIN"})
# Audience insights: the spec's descriptions state no roles. They describe the people the
# account's ads and pins reached, so the roles that read its ads read them, and the
# Audience Manager, whose work is the account's audiences.
AUDIENCE_INSIGHTS_ROLES = ADS_READ_ROLES | {"AUDIENCE_MANAGER"}
CONVERSION_ROLES = frozenset({"OWNER", "ADMIN", "ANALYST", "AUDIENCE_MANAGER", "CAMPAIGN_MANAGER"})
# Any role on an ad account lets its holder see the account itself.
ANY_ROLE = frozenset(ROLES)

# Rate categories whose operations read or write many metric rows per request: they
# share a few threads per worker (``Runtime.call``), so they cannot crowd out the rest.
HEAVY_RATE_CATEGORIES = frozenset({"org_analytics", "ads_analytics", "ingest", "overview"})


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str
    path: str
    scopes: frozenset[str]
    # Whether a token from the client_credentials grant may call it.
    client_credentials: bool
    rate_category: str
    authentication: str = BEARER
    ad_account_id: str | None = None
    roles: frozenset[str] = frozenset()
    secret_roles: frozenset[str] = frozenset()
    status: int = 200
    # A bookmark-paginated list: the values (besides the operation and its user) that
    # define the list, in the order they are fingerprinted (``services.pages``). None: not a list.
    bookmark_keys: tuple[str, ...] | None = None
    # A sync ads analytics operation: what its rows are about (``catalog.ad_reporting``).
    sync_report: str | None = None
    # A targeting analytics operation: what its rows are about (``catalog.ad_reporting``).
    targeting_report: str | None = None
    # Whether an ad account's conversion token (the spec's conversion_token scheme) may call
    # it besides an OAuth token, for that ad account (``services.identity.conversion_tokens``).
    conversion_token: bool = False

    @property
    def heavy(self) -> bool:
        """Whether its cost grows with the data it reads or writes (``HEAVY_RATE_CATEGORIES``)."""
        return self.rate_category in HEAVY_RATE_CATEGORIES

    @property
    def pinterest(self) -> bool:
        """Whether it is one of Pinterest's operations (under /v5, in the official spec)."""
        return self.path.startswith("/v5/")


def _op(operation_id: str, route: str, scopes: str = "", *, client_credentials: bool, rate: str, **facts) -> Operation:
    method, path = route.split(" ")
    operation = Operation(operation_id, method, path, frozenset(scopes.split()), client_credentials, rate, **facts)
    if operation.ad_account_id is not None and not operation.roles:
        raise ValueError(f"{operation_id} takes ad_account_id but declares no Business Access roles")
    if not operation.roles <= ANY_ROLE or not operation.secret_roles <= operation.roles:
        raise ValueError(f"{operation_id}: unknown roles, or secret roles that are not among its roles")
    return operation


# Organic content (boards, sections, pins, the user account): any operation user through
# ``?ad_account_id=``, with the content roles.
_CONTENT = {"ad_account_id": QUERY, "roles": CONTENT_ROLES, "secret_roles": SECRET_CONTENT_ROLES}
_ANALYTICS = {"ad_account_id": QUERY, "roles": ANALYTICS_ROLES, "secret_roles": SECRET_ANALYTICS_ROLES}
_CREATED = {"status": 201}
_DELETED = {"status": 204}

_TABLE = (
    # Pinterest's operations.
    _op("oauth/token", "POST /v5/oauth/token", client_credentials=False, rate="org_read", authentication=APP),
    _op("token/revoke", "POST /v5/oauth/token/revoke", client_credentials=False, rate="org_write",
        authentication=APP),
    _op("user_account/get", "GET /v5/user_account", "user_accounts:read", client_credentials=True, rate="org_read",
        **_CONTENT),
    _op("boards/list", "GET /v5/boards", "boards:read", client_credentials=True, rate="org_read", **_CONTENT,
        bookmark_keys=("privacies",)),
    _op("boards/create", "POST /v5/boards", "boards:read boards:write", client_credentials=True, rate="org_write",
        **_CONTENT, **_CREATED),
    _op("boards/get", "GET /v5/boards/{board_id}", "boards:read", client_credentials=True, rate="org_read", **_CONTENT),
    _op("boards/update", "PATCH /v5/boards/{board_id}", "boards:read boards:write", client_credentials=True,
        rate="org_write", **_CONTENT),
    _op("boards/delete", "DELETE /v5/boards/{board_id}", "boards:read boards:write", client_credentials=False,
        rate="org_write", **_CONTENT, **_DELETED),
    _op("boards/list_pins", "GET /v5/boards/{board_id}/pins", "boards:read pins:read", client_credentials=True,
        rate="org_read", **_CONTENT, bookmark_keys=("board_id", "creative_types")),
    _op("board_sections/list", "GET /v5/boards/{board_id}/sections", "boards:read", client_credentials=True,
        rate="org_read", **_CONTENT, bookmark_keys=("board_id",)),
    _op("board_sections/create", "POST /v5/boards/{board_id}/sections", "boards:read boards:write",
        client_credentials=False, rate="org_write", **_CONTENT, **_CREATED),
    _op("board_sections/update", "PATCH /v5/boards/{board_id}/sections/{section_id}", "boards:read boards:write",
        client_credentials=False, rate="org_write", **_CONTENT),
    _op("board_sections/delete", "DELETE /v5/boards/{board_id}/sections/{section_id}", "boards:read boards:write",
        client_credentials=False, rate="org_write", **_CONTENT, **_DELETED),
    _op("board_sections/list_pins", "GET /v5/boards/{board_id}/sections/{section_id}/pins", "boards:read pins:read",
        client_credentials=True, rate="org_read", **_CONTENT, bookmark_keys=("section_id",)),
    _op("pins/list", "GET /v5/pins", "boards:read pins:read", client_credentials=True, rate="org_read", **_CONTENT,
        bookmark_keys=("privacies", "pin_filter", "creative_types")),
    _op("pins/create", "POST /v5/pins", "boards:read boards:write pins:read pins:write", client_credentials=True,
        rate="org_write", **_CONTENT, **_CREATED),
    _op("pins/get", "GET /v5/pins/{pin_id}", "boards:read pins:read", client_credentials=True, rate="org_read",
        **_CONTENT),
    _op("pins/update", "PATCH /v5/pins/{pin_id}", "boards:read boards:write pins:read pins:write",
        client_credentials=True, rate="org_write", **_CONTENT),
    _op("pins/delete", "DELETE /v5/pins/{pin_id}", "boards:read boards:write pins:read pins:write",
        client_credentials=True, rate="org_write", **_CONTENT, **_DELETED),
    _op("pins/save", "POST /v5/pins/{pin_id}/save", "boards:read boards:write pins:read pins:write",
        client_credentials=False, rate="org_write", **_CONTENT, **_CREATED),
    _op("ad_accounts/list", "GET /v5/ad_accounts", "ads:read", client_credentials=True, rate="ads_read",
        bookmark_keys=("include_shared_accounts",)),
    # The ad account is the resource here: a user without any role on it is answered 404.
    _op("ad_accounts/get", "GET /v5/ad_accounts/{ad_account_id}", "ads:read", client_credentials=True,
        rate="ads_read", ad_account_id=PATH, roles=ANY_ROLE),
    # A new ad account belongs to the token's user: the spec takes no ad_account_id here.
    _op("ad_accounts/create", "POST /v5/ad_accounts", "ads:write", client_credentials=False, rate="ads_write",
        **_CREATED),
    _op("campaigns/list", "GET /v5/ad_accounts/{ad_account_id}/campaigns", "ads:read", client_credentials=True,
        rate="ads_read", ad_account_id=PATH, roles=ADS_READ_ROLES,
        bookmark_keys=("ad_account_id", "campaign_ids", "entity_statuses", "order")),
    _op("campaigns/create", "POST /v5/ad_accounts/{ad_account_id}/campaigns", "ads:write", client_credentials=False,
        rate="ads_write", ad_account_id=PATH, roles=ADS_WRITE_ROLES),
    _op("campaigns/update", "PATCH /v5/ad_accounts/{ad_account_id}/campaigns", "ads:write", client_credentials=False,
        rate="ads_write", ad_account_id=PATH, roles=ADS_WRITE_ROLES),
    _op("campaigns/get", "GET /v5/ad_accounts/{ad_account_id}/campaigns/{campaign_id}", "ads:read",
        client_credentials=True, rate="ads_read", ad_account_id=PATH, roles=ADS_READ_ROLES),
    # Sync ads analytics of the ad account of the path.
    _op("ad_account/analytics", "GET /v5/ad_accounts/{ad_account_id}/analytics", "ads:read", client_credentials=True,
        rate="ads_analytics", ad_account_id=PATH, roles=ADS_READ_ROLES, sync_report="AD_ACCOUNT"),
    _op("campaigns/analytics", "GET /v5/ad_accounts/{ad_account_id}/campaigns/analytics", "ads:read",
        client_credentials=True, rate="ads_analytics", ad_account_id=PATH, roles=ADS_READ_ROLES, sync_report="CAMPAIGN"),
    _op("ad_groups/analytics", "GET /v5/ad_accounts/{ad_account_id}/ad_groups/analytics", "ads:read",
        client_credentials=True, rate="ads_analytics", ad_account_id=PATH, roles=ADS_READ_ROLES, sync_report="AD_GROUP"),
    _op("ads/analytics", "GET /v5/ad_accounts/{ad_account_id}/ads/analytics", "ads:read", client_credentials=True,
        rate="ads_analytics", ad_account_id=PATH, roles=ADS_READ_ROLES, sync_report="AD"),
    _op("ad_pins/analytics", "GET /v5/ad_accounts/{ad_account_id}/pins/analytics", "ads:read",
        client_credentials=True, rate="ads_analytics", ad_account_id=PATH, roles=ADS_READ_ROLES, sync_report="PIN"),
    # Targeting analytics: the same figures per slice of targeting types (``catalog.ad_targeting``).
    _op("ad_account_targeting_analytics/get", "GET /v5/ad_accounts/{ad_account_id}/targeting_analytics", "ads:read",
        client_credentials=True, rate="ads_analytics", ad_account_id=PATH, roles=ADS_READ_ROLES,
        targeting_report="AD_ACCOUNT"),
    _op("campaign_targeting_analytics/get", "GET /v5/ad_accounts/{ad_account_id}/campaigns/targeting_analytics",
        "ads:read", client_credentials=True, rate="ads_analytics", ad_account_id=PATH, roles=ADS_READ_ROLES,
        targeting_report="CAMPAIGN"),
    _op("ad_groups_targeting_analytics/get", "GET /v5/ad_accounts/{ad_account_id}/ad_groups/targeting_analytics",
        "ads:read", client_credentials=True, rate="ads_analytics", ad_account_id=PATH, roles=ADS_READ_ROLES,
        targeting_report="AD_GROUP"),
    _op("ad_targeting_analytics/get", "GET /v5/ad_accounts/{ad_account_id}/ads/targeting_analytics", "ads:read",
        client_credentials=True, rate="ads_analytics", ad_account_id=PATH, roles=ADS_READ_ROLES,
        targeting_report="AD"),
    # Async reports and report templates (``services.ads.reports``): a job per report, run
    # by a worker; the spec lets no client_credentials token ask for them.
    _op("analytics/create_report", "POST /v5/ad_accounts/{ad_account_id}/reports", "ads:read",
        client_credentials=False, rate="ads_analytics", ad_account_id=PATH, roles=ADS_READ_ROLES),
    _op("analytics/get_report", "GET /v5/ad_accounts/{ad_account_id}/reports", "ads:read", client_credentials=False,
        rate="ads_analytics", ad_account_id=PATH, roles=ADS_READ_ROLES),
    _op("templates/list", "GET /v5/ad_accounts/{ad_account_id}/templates", "ads:read", client_credentials=False,
        rate="ads_read", ad_account_id=PATH, roles=ADS_READ_ROLES, bookmark_keys=("ad_account_id", "order")),
    _op("analytics/create_template_report", "POST /v5/ad_accounts/{ad_account_id}/templates/{template_id}/reports",
        "ads:read", client_credentials=False, rate="ads_analytics", ad_account_id=PATH, roles=ADS_READ_ROLES),
    # Conversions sent for the ad account of the path; its description names Audience and
    # Campaign (managers) beside Admin and Analyst.
    _op("events/create", "POST /v5/ad_accounts/{ad_account_id}/events", "ads:write", client_credentials=False,
        rate="ads_conversions", ad_account_id=PATH, roles=CONVERSION_ROLES, conversion_token=True),
    _op("ad_groups/list", "GET /v5/ad_accounts/{ad_account_id}/ad_groups", "ads:read", client_credentials=True,
        rate="ads_read", ad_account_id=PATH, roles=ADS_READ_ROLES,
        bookmark_keys=("ad_account_id", "campaign_ids", "ad_group_ids", "entity_statuses", "order")),
    _op("ad_groups/create", "POST /v5/ad_accounts/{ad_account_id}/ad_groups", "ads:write", client_credentials=False,
        rate="ads_write", ad_account_id=PATH, roles=ADS_WRITE_ROLES),
    _op("ad_groups/update", "PATCH /v5/ad_accounts/{ad_account_id}/ad_groups", "ads:write", client_credentials=False,
        rate="ads_write", ad_account_id=PATH, roles=ADS_WRITE_ROLES),
    _op("ad_groups/get", "GET /v5/ad_accounts/{ad_account_id}/ad_groups/{ad_group_id}", "ads:read",
        client_credentials=True, rate="ads_read", ad_account_id=PATH, roles=ADS_READ_ROLES),
    _op("ads/list", "GET /v5/ad_accounts/{ad_account_id}/ads", "ads:read", client_credentials=True, rate="ads_read",
        ad_account_id=PATH, roles=ADS_READ_ROLES,
        bookmark_keys=("ad_account_id", "campaign_ids", "ad_group_ids", "ad_ids", "entity_statuses", "order")),
    _op("ads/create", "POST /v5/ad_accounts/{ad_account_id}/ads", "ads:write", client_credentials=False,
        rate="ads_write", ad_account_id=PATH, roles=ADS_WRITE_ROLES),
    _op("ads/update", "PATCH /v5/ad_accounts/{ad_account_id}/ads", "ads:write", client_credentials=False,
        rate="ads_write", ad_account_id=PATH, roles=ADS_WRITE_ROLES),
    _op("ads/get", "GET /v5/ad_accounts/{ad_account_id}/ads/{ad_id}", "ads:read", client_credentials=True,
        rate="ads_read", ad_account_id=PATH, roles=ADS_READ_ROLES),
    # Who the account's ads and its owner's pins reached (``services.ads.audience_insights``).
    _op("audience_insights/get", "GET /v5/ad_accounts/{ad_account_id}/audience_insights", "ads:read",
        client_credentials=True, rate="ads_read", ad_account_id=PATH, roles=AUDIENCE_INSIGHTS_ROLES),
    _op("audience_insights_scope_and_type/get", "GET /v5/ad_accounts/{ad_account_id}/insights/audiences", "ads:read",
        client_credentials=True, rate="ads_read", ad_account_id=PATH, roles=AUDIENCE_INSIGHTS_ROLES),
    # Bulk downloads of the path's ad account's entities, as jobs (``services.ads.bulk_download``):
    # the roles that read its campaigns, ad groups and ads.
    _op("bulk_download/create", "POST /v5/ad_accounts/{ad_account_id}/bulk/download", "ads:read",
        client_credentials=False, rate="ads_read", ad_account_id=PATH, roles=ADS_READ_ROLES),
    _op("bulk_request/get", "GET /v5/ad_accounts/{ad_account_id}/bulk/{bulk_request_id}", "ads:read",
        client_credentials=True, rate="ads_read", ad_account_id=PATH, roles=ADS_READ_ROLES),
    # Media registrations belong to the token's user alone: the spec takes no ad_account_id.
    _op("media/list", "GET /v5/media", "pins:read", client_credentials=False, rate="org_read", bookmark_keys=()),
    _op("media/create", "POST /v5/media", "pins:read pins:write", client_credentials=False, rate="org_write",
        **_CREATED),
    _op("media/get", "GET /v5/media/{media_id}", "pins:read", client_credentials=False, rate="org_read"),
    # The same for every account: by the server's clock (``domain.ads.readiness``).
    _op("metrics_ready_state/get", "GET /v5/resources/metrics_ready_state", "ads:read", client_credentials=False,
        rate="ads_analytics"),
    # Definitions from the ads column catalogue, the same for every account.
    _op("delivery_metrics/get", "GET /v5/resources/delivery_metrics", "ads:read pins:read user_accounts:read",
        client_credentials=True, rate="ads_read"),
    # Public reference data (``catalog.targeting_dictionaries``); with ``ad_account_id`` the
    # account's own keywords and audiences too, read as its owner.
    _op("targeting_options/get", "GET /v5/resources/targeting/{targeting_type}", "ads:read",
        client_credentials=True, rate="ads_read", ad_account_id=QUERY, roles=ADS_READ_ROLES),
    _op("interest_targeting_options/get", "GET /v5/resources/targeting/interests/{interest_id}", "ads:read",
        client_credentials=True, rate="ads_read"),
    _op("pins/analytics", "GET /v5/pins/{pin_id}/analytics", "boards:read pins:read", client_credentials=True,
        rate="org_analytics", **_ANALYTICS),
    _op("multi_pins/analytics", "GET /v5/pins/analytics", "boards:read pins:read", client_credentials=True,
        rate="org_analytics", **_ANALYTICS),
    _op("user_account/analytics", "GET /v5/user_account/analytics", "user_accounts:read", client_credentials=False,
        rate="org_analytics", **_ANALYTICS),
    _op("user_account/analytics/top_pins", "GET /v5/user_account/analytics/top_pins", "pins:read user_accounts:read",
        client_credentials=True, rate="org_analytics", **_ANALYTICS),
    _op("user_account/analytics/top_video_pins", "GET /v5/user_account/analytics/top_video_pins",
        "pins:read user_accounts:read", client_credentials=True, rate="org_analytics", **_ANALYTICS),
    # pinsight's own operations (outside /v5, not in Pinterest's spec).
    _op("pinsight/ingest_daily_metrics", "POST /api/v1/daily_metrics", "pins:read pins:write", client_credentials=True,
        rate="ingest"),
    _op("pinsight/ingest_events", "POST /api/v1/events", "pins:read pins:write", client_credentials=True,
        rate="ingest"),
    # Ad actions name their ads; each ad's account must be the caller's or one they manage
    # campaigns on (checked per ad by ``services.ads.ad_events``).
    _op("pinsight/ingest_ad_events", "POST /api/v1/ad_events", "ads:read ads:write", client_credentials=True,
        rate="ingest", roles=ADS_WRITE_ROLES),
    # The overview API takes API keys, not OAuth tokens, and names the account read by its
    # user id (``social_network_id``); a key's user reads another account through an
    # analytics role on one of its ad accounts.
    _op("pinsight/overview", "GET /api/pinterest/overview", client_credentials=False, rate="overview",
        authentication=API_KEY, roles=ANALYTICS_ROLES, secret_roles=SECRET_ANALYTICS_ROLES),
    _op("pinsight/posts", "GET /api/pinterest/posts", client_credentials=False, rate="overview",
        authentication=API_KEY, roles=ANALYTICS_ROLES, secret_roles=SECRET_ANALYTICS_ROLES),
    # Organic exports (``services.organic.exports``): a job writes the account's pins and metrics to
    # a file. They are organic analytics, so an analyst exports a shared account through
    # ``?ad_account_id=`` as for ``_ANALYTICS``; the requests are light (the work is the job's).
    _op("pinsight/exports_create", "POST /api/v1/exports", "pins:read user_accounts:read", client_credentials=True,
        rate="exports", **_ANALYTICS, **_CREATED),
    _op("pinsight/exports_get", "GET /api/v1/exports/{export_id}", "pins:read user_accounts:read",
        client_credentials=True, rate="exports", **_ANALYTICS),
)

OPERATIONS: dict[str, Operation] = {operation.operation_id: operation for operation in _TABLE}
if len(OPERATIONS) != len(_TABLE) or len({(op.method, op.path) for op in _TABLE}) != len(_TABLE):
    raise ValueError("an operation id, or a method and path, is declared twice")

PINTEREST_OPERATIONS: dict[str, Operation] = {key: op for key, op in OPERATIONS.items() if op.pinterest}

# The sync ads analytics operations' reports, by operation.
SYNC_REPORTS: dict[str, SyncReport] = {
    op.operation_id: replace(REPORTS_BY_LEVEL[op.sync_report], operation_id=op.operation_id)
    for op in _TABLE if op.sync_report is not None
}
if {report.rows_per for report in SYNC_REPORTS.values()} != set(REPORTS_BY_LEVEL):
    raise ValueError("every sync report is answered by exactly one operation")
# The targeting analytics operations' reports, by operation.
TARGETING_REPORTS: dict[str, SyncReport] = {
    op.operation_id: replace(TARGETING_REPORTS_BY_LEVEL[op.targeting_report], operation_id=op.operation_id)
    for op in _TABLE if op.targeting_report is not None
}
if sorted(report.rows_per for report in TARGETING_REPORTS.values()) != sorted(TARGETING_REPORTS_BY_LEVEL):
    raise ValueError("every targeting report is answered by exactly one operation")
# Every report an ads analytics request may ask for, by operation.
ANALYTICS_REPORTS: dict[str, SyncReport] = {**SYNC_REPORTS, **TARGETING_REPORTS}


def operation(operation_id: str) -> Operation:
    """The declaration of a Pinterest or pinsight operation."""
    return OPERATIONS[operation_id]
