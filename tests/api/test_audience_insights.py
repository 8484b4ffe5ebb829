"""Audience insights over HTTP, on SQLite and PostgreSQL: the three audiences of an account
built from ad actions and organic events, what the minimum audience size hides (and why),
errors, the spec's shapes, and the rollup equal to a rebuild from the stored rows.

The module runs its own server over a fresh database with a minimum audience size of 5,
so that small populations show every rule: the whole population (PINTEREST_TOTAL_AUDIENCE)
is then only what these tests sent.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pinsight.catalog import targeting_dictionaries as dictionaries
from pinsight.services.runtime import Runtime
from pinsight.settings import Settings
from pinsight.store.ads.audiences import stored_rollup
from pinsight.store.db import make_engine, migrate
from tests.conftest import _database_url
from tests.contract.spec_validation import SpecValidator
from tests.support import audience_oracle
from tests.support.ads import action, send_actions, sha
from tests.support.api import create_board, create_pin
from tests.support.factories import backdate_pin, make_ad_account, make_ads, make_user
from tests.support.server import LiveServer

MINIMUM = 5
INSIGHTS = "/ad_accounts/{ad_account_id}/audience_insights"
DEFINITIONS = "/ad_accounts/{ad_account_id}/insights/audiences"
CROWD = 30


def _category_with_children(skip: int = 0):
    tops = [interest for interest in dictionaries.interests().values() if interest.level == 1 and interest.child_ids]
    top = sorted(tops, key=lambda interest: int(interest.id))[skip]
    return top.id, top.child_ids[0]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def world(request, tmp_path_factory):
    url = _database_url(request.param, request, tmp_path_factory, "pinsight_audiences")
    engine = make_engine(url)
    migrate(engine)
    settings = Settings(database_url=url, log_requests=False, token_cache_seconds=0, rate_limits_enabled=False,
                        audience_min_size=MINIMUM)
    runtime = Runtime.build(engine, settings)
    live = LiveServer(runtime).start()
    # A crowd of people no one knows anything about, in an account of its own: everyone
    # else's audience then has at least this many people outside it.
    owner = make_user(runtime, live.url, prefix="crowd")
    (ad,) = make_ads(runtime, make_ad_account(runtime, owner), 1)
    moment = _moment(5)
    assert send_actions(owner.client, [action(ad, moment, type="IMPRESSION", em=f"crowd{n}@example.com")
                                       for n in range(CROWD)]).status_code == 200
    owner.client.close()
    yield runtime, live
    live.stop()
    engine.dispose()


@pytest.fixture
def person(world):
    runtime, live = world
    made = make_user(runtime, live.url)
    yield made
    made.client.close()


@pytest.fixture(scope="module")
def validator(spec) -> SpecValidator:
    return SpecValidator(spec)


def _moment(hours: int) -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0) - timedelta(hours=hours)


def _insights(client, account: str, insight_type: str):
    return client.get(f"/ad_accounts/{account}/audience_insights", params={"audience_insight_type": insight_type})


def _ratios(values: list[dict]) -> dict[str, float]:
    return {value["key"]: value["ratio"] for value in values}


def _group(ad: str, prefix: str, count: int, engaged: int, engagement: str = "CLICK", **fields) -> list[dict]:
    """``count`` people seen with these facts; the first ``engaged`` of them also engaged."""
    sent = []
    for n in range(count):
        email = f"{prefix}{n}@example.com"
        sent.append(action(ad, _moment(3), type="IMPRESSION", em=email, **fields))
        if n < engaged:
            sent.append(action(ad, _moment(2), type=engagement, em=email, **fields))
    return sent


def test_an_accounts_audiences_report_what_the_minimum_allows(world, person, validator):
    runtime, _ = world
    account = make_ad_account(runtime, person)
    (ad,) = make_ads(runtime, account, 1)
    category, subcategory = _category_with_children()
    women = {"gender": "female", "age_bucket": "25-34", "country": "US", "metro": "501", "interest": subcategory}
    men = {"gender": "male", "age_bucket": "35-44", "country": "FR", "interest": category}
    sent = (_group(ad, "w", 20, 8, app_type="iphone", dimensions=women)
            + _group(ad, "m", 10, 6, engagement="SAVE", app_type="web", dimensions=men)
            + _group(ad, "u", 5, 0))
    assert send_actions(person.client, sent).status_code == 200

    total = _insights(person.client, account, "YOUR_TOTAL_AUDIENCE")
    assert total.status_code == 200, total.text
    validator.validate_response(total, INSIGHTS, "get")
    body = total.json()
    assert (body["type"], body["size"], body["size_is_upper_bound"]) == ("YOUR_TOTAL_AUDIENCE", 35, False)
    assert body["date"] == _moment(2).date().isoformat()
    demographics = body["demographics"]
    # The 5 people without facts stay in no slice; every slice has at least 5 people.
    assert _ratios(demographics["genders"]) == {"female": 20 / 35, "male": 10 / 35}
    assert {value["name"] for value in demographics["genders"]} == {"Female", "Male"}
    assert _ratios(demographics["ages"]) == {"25-34": 20 / 35, "35-44": 10 / 35}
    assert _ratios(demographics["devices"]) == {"iphone": 20 / 35, "web": 10 / 35}
    assert _ratios(demographics["countries"]) == {"us": 20 / 35, "fr": 10 / 35}
    assert demographics["metros"] == [{"key": "501", "name": "New York", "ratio": 20 / 35}]
    (listed,) = body["categories"]
    everyone = 35 + CROWD
    assert (listed["id"], listed["ratio"], listed["index"]) == (category, 30 / 35, (30 / 35) / (30 / everyone))
    assert [(sub["id"], sub["ratio"]) for sub in listed["subcategories"]] == [(subcategory, 20 / 35)]

    engaged = _insights(person.client, account, "YOUR_ENGAGED_AUDIENCE").json()
    validator.validate_response(_insights(person.client, account, "YOUR_ENGAGED_AUDIENCE"), INSIGHTS, "get")
    assert (engaged["size"], engaged["size_is_upper_bound"]) == (14, False)
    # 6 of the 10 men engaged: listing them would tell that 4 men did not (10 - 6), fewer
    # than 5; so the men's slice is folded back into the unlisted rest.
    assert _ratios(engaged["demographics"]["genders"]) == {"female": 8 / 14}
    assert _ratios(engaged["demographics"]["countries"]) == {"us": 8 / 14}
    # The category's non-engaged people outside the subcategory are 4 (16 - 12): the
    # engaged audience lists the category alone.
    (engaged_category,) = engaged["categories"]
    assert (engaged_category["id"], engaged_category["ratio"], engaged_category["subcategories"]) == \
        (category, 14 / 14, [])

    pinterest = _insights(person.client, account, "PINTEREST_TOTAL_AUDIENCE").json()
    assert (pinterest["size"], pinterest["size_is_upper_bound"]) == (everyone, False)
    assert _ratios(pinterest["demographics"]["genders"]) == {"female": 20 / everyone, "male": 10 / everyone}
    assert all(category["index"] == 1.0 for category in pinterest["categories"])

    definitions = person.client.get(f"/ad_accounts/{account}/insights/audiences")
    assert definitions.status_code == 200, definitions.text
    validator.validate_response(definitions, DEFINITIONS, "get")
    assert {(item["scope"], item["type"]) for item in definitions.json()["items"]} == {
        ("PARTNER", "IMPRESSION_PLUS_ENGAGEMENT"), ("PARTNER", "ENGAGEMENT"), ("PINTEREST", "IMPRESSION_PLUS_ENGAGEMENT")}


def test_small_audiences_are_upper_bounds(world, person, validator):
    runtime, _ = world
    few, most_engaged = make_ad_account(runtime, person), make_ad_account(runtime, person)
    (ad_few,) = make_ads(runtime, few, 1)
    (ad_most,) = make_ads(runtime, most_engaged, 1)
    assert send_actions(person.client, _group(ad_few, "few", 3, 1)).status_code == 200
    assert send_actions(person.client, _group(ad_most, "most", 10, 8)).status_code == 200

    small = _insights(person.client, few, "YOUR_TOTAL_AUDIENCE")
    validator.validate_response(small, INSIGHTS, "get")
    body = small.json()
    assert (body["size"], body["size_is_upper_bound"], body["categories"]) == (MINIMUM, True, [])
    assert all(values == [] for values in body["demographics"].values())
    assert _insights(person.client, few, "YOUR_ENGAGED_AUDIENCE").json()["size"] == MINIMUM

    assert _insights(person.client, most_engaged, "YOUR_TOTAL_AUDIENCE").json()["size"] == 10
    # 8 engaged is above the minimum, but the 2 who did not engage would follow from 10 - 8:
    # the engaged audience's size is only bounded, by the total audience's.
    engaged = _insights(person.client, most_engaged, "YOUR_ENGAGED_AUDIENCE").json()
    assert (engaged["size"], engaged["size_is_upper_bound"]) == (10, True)
    listed = person.client.get(f"/ad_accounts/{most_engaged}/insights/audiences").json()["items"]
    assert {item["type"] for item in listed if item["scope"] == "PARTNER"} == {"IMPRESSION_PLUS_ENGAGEMENT"}
    assert person.client.get(f"/ad_accounts/{few}/insights/audiences").json()["items"] == [
        {"scope": "PINTEREST", "type": "IMPRESSION_PLUS_ENGAGEMENT", "date": _moment(2).date().isoformat()}]


@pytest.mark.parametrize("params", [{}, {"audience_insight_type": "EVERYONE"}, {"audience_insight_type": ""}])
def test_a_missing_or_unknown_type_is_a_400_naming_it(world, person, params):
    runtime, _ = world
    account = make_ad_account(runtime, person)
    answer = person.client.get(f"/ad_accounts/{account}/audience_insights", params=params)
    assert answer.status_code == 400, answer.text
    assert set(answer.json()) == {"code", "message"} and "audience_insight_type" in answer.json()["message"]
    assert "YOUR_ENGAGED_AUDIENCE" in answer.json()["message"]


def test_an_account_one_may_not_see_is_not_found(world, person):
    missing = _insights(person.client, "123456789", "YOUR_TOTAL_AUDIENCE")
    assert missing.status_code == 404 and set(missing.json()) == {"code", "message"}


def _organic(pin_id: str, email: str, event_type: str, **viewer) -> dict:
    return {"id": f"o-{email}-{event_type}", "pin_id": pin_id, "type": event_type, "app_type": "WEB",
            "timestamp": _moment(1).replace(tzinfo=UTC).isoformat(), "user": {"em": sha(email)}, **viewer}


def test_organic_viewers_make_an_audience_for_every_account_of_the_pins_owner(world, person, validator):
    runtime, _ = world
    existing = make_ad_account(runtime, person)
    pin = create_pin(person.client, create_board(person.client)["id"])
    backdate_pin(runtime, pin["id"], 2)  # events an hour old may fall on yesterday (after midnight)
    category, _ = _category_with_children(skip=1)
    facts = {"country": "DE", "age_bucket": "45-49", "interest": category}
    events = [_organic(pin["id"], f"viewer{n}@example.com", "IMPRESSION", dimensions=facts) for n in range(12)]
    events += [_organic(pin["id"], f"viewer{n}@example.com", "SAVE", dimensions=facts) for n in range(6)]
    answer = person.client.post("/../api/v1/events", json=events)
    assert answer.status_code == 200 and answer.json()["applied"] == 18, answer.text

    body = _insights(person.client, existing, "YOUR_TOTAL_AUDIENCE").json()
    assert (body["size"], body["size_is_upper_bound"]) == (12, False)
    assert _ratios(body["demographics"]["countries"]) == {"de": 1.0}
    assert [category_["id"] for category_ in body["categories"]] == [category]
    engaged = _insights(person.client, existing, "YOUR_ENGAGED_AUDIENCE").json()
    assert (engaged["size"], engaged["size_is_upper_bound"]) == (6, False)

    # An ad account created afterwards starts with the owner's organic audience.
    created = person.client.post("/ad_accounts", json={"name": "Later", "country": "US", "currency": "USD"})
    assert created.status_code == 201, created.text
    later = created.json()["id"]
    assert _insights(person.client, later, "YOUR_TOTAL_AUDIENCE").json() == body
    validator.validate_response(_insights(person.client, later, "YOUR_ENGAGED_AUDIENCE"), INSIGHTS, "get")
    # Sent again, nothing is counted twice.
    again = person.client.post("/../api/v1/events", json=events)
    assert again.json()["already_applied"] == 18
    assert _insights(person.client, later, "YOUR_TOTAL_AUDIENCE").json()["size"] == 12


@pytest.mark.parametrize("change,reason", [
    ({"user": {"em": "not-a-digest"}}, "SHA-256"),
    ({"user": {"em": sha("a"), "external_id": sha("b")}}, "exactly one"),
    ({"user": "someone"}, "user must be an object"),
    ({"dimensions": {"gender": "female"}}, "send them with user"),
    ({"user": {"em": sha("a")}, "dimensions": {"gender": "robot"}}, "dimensions.gender"),
    ({"user": {"em": sha("a")}, "dimensions": {"metro": "999999"}}, "dimensions.metro"),
    ({"user": {"em": sha("a")}, "dimensions": ["female"]}, "dimensions must be an object"),
])
def test_organic_viewer_facts_are_checked_as_ad_actions_are(world, person, change, reason):
    runtime, _ = world
    pin = create_pin(person.client, create_board(person.client)["id"])
    backdate_pin(runtime, pin["id"], 2)  # events an hour old may fall on yesterday (after midnight)
    good = {"id": "fine", "pin_id": pin["id"], "type": "IMPRESSION", "app_type": "WEB",
            "timestamp": _moment(1).replace(tzinfo=UTC).isoformat()}
    bad = {**good, "id": "bad", **change}
    answer = person.client.post("/../api/v1/events", json=[good, bad])
    assert answer.status_code == 400, answer.text
    (problem,) = answer.json()["errors"]
    assert problem["position"] == 1 and reason in problem["reason"], problem


def _account_slices(runtime, account: str) -> dict[tuple[str, str], tuple[int, int]]:
    """(facet, value) -> (people, engaged) of the account's audience, as stored (no empty rows)."""
    with runtime.engine.connect() as conn:
        stored = stored_rollup(conn)["slices"]
    return {(facet, value): counts for (scope, facet, value), counts in stored.items() if scope == int(account)}


def test_a_persons_facts_are_those_of_their_earliest_sighting_whatever_order_they_came_in(world, person):
    """Newer data first, then a backfill: in another ad account, then organic events older
    still, then newer actions again. Each time every audience the people are in counts them
    under the facts of their earliest action or event, as a rebuild does."""
    runtime, _ = world
    first, second = make_ad_account(runtime, person), make_ad_account(runtime, person)
    (ad_first,) = make_ads(runtime, first, 1)
    (ad_second,) = make_ads(runtime, second, 1)
    pin = create_pin(person.client, create_board(person.client)["id"])
    backdate_pin(runtime, pin["id"], 5)
    people = [f"backfill{n}@example.com" for n in range(10)]
    late = {"app_type": "web", "dimensions": {"gender": "male", "age_bucket": "35-44", "country": "FR"}}
    early = {"app_type": "iphone", "dimensions": {"gender": "female", "age_bucket": "25-34", "country": "US",
                                                  "metro": "501"}}
    earliest = {"gender": "unknown", "age_bucket": "45-49", "country": "DE"}

    # Newest first: 6 of the 10 engage in the first account.
    sent = [action(ad_first, _moment(2), type="SAVE" if n < 6 else "IMPRESSION", em=email, **late)
            for n, email in enumerate(people)]
    assert send_actions(person.client, sent).status_code == 200
    assert _ratios(_insights(person.client, first, "YOUR_TOTAL_AUDIENCE").json()["demographics"]["genders"]) == \
        {"male": 1.0}
    assert _account_slices(runtime, first)[("geo", "FR")] == (10, 6)

    # Older actions, in the second account: the people's facts, in the first account too, are these now.
    sent = [action(ad_second, _moment(20), type="IMPRESSION", em=email, **early) for email in people]
    assert send_actions(person.client, sent).status_code == 200
    for account in (first, second):
        body = _insights(person.client, account, "YOUR_TOTAL_AUDIENCE").json()
        assert body["size"] == 10
        assert _ratios(body["demographics"]["genders"]) == {"female": 1.0}
        assert _ratios(body["demographics"]["devices"]) == {"iphone": 1.0}
        assert body["demographics"]["metros"] == [{"key": "501", "name": "New York", "ratio": 1.0}]
    assert _account_slices(runtime, first)[("geo", "US:501")] == (10, 6)
    assert _account_slices(runtime, first).get(("geo", "FR")) is None
    assert _account_slices(runtime, second)[("geo", "US:501")] == (10, 0)

    # Organic events older still: the owner's pins' viewers, in both accounts' audiences.
    events = [{"id": f"early-{n}", "pin_id": pin["id"], "type": "IMPRESSION", "app_type": "WEB",
               "timestamp": _moment(40).replace(tzinfo=UTC).isoformat(), "user": {"em": sha(email)},
               "dimensions": earliest} for n, email in enumerate(people)]
    answer = person.client.post("/../api/v1/events", json=events)
    assert answer.status_code == 200 and answer.json()["applied"] == 10, answer.text
    for account in (first, second):
        body = _insights(person.client, account, "YOUR_TOTAL_AUDIENCE").json()
        assert _ratios(body["demographics"]["countries"]) == {"de": 1.0}
        assert _ratios(body["demographics"]["ages"]) == {"45-49": 1.0}
        assert _ratios(body["demographics"]["genders"]) == {"unknown": 1.0}
        assert body["demographics"]["devices"] == []  # organic events tell no device
    assert _account_slices(runtime, first)[("geo", "DE")] == (10, 6)
    assert _account_slices(runtime, first)[("device", "")] == (10, 6)

    # Newer actions again change nothing.
    sent = [action(ad_first, _moment(1), type="CLICK", em=email, **early) for email in people]
    assert send_actions(person.client, sent).status_code == 200
    assert _account_slices(runtime, first)[("geo", "DE")] == (10, 10)
    with runtime.engine.connect() as conn:
        assert audience_oracle.differences(conn) == []


def test_sightings_at_one_instant_are_ordered_by_id_then_by_account(world, person):
    """Two accounts' actions at the same instant: the smaller id wins (by its characters'
    codes, not a locale's order), and with the same id, the smaller ad account's id."""
    runtime, _ = world
    accounts = sorted((make_ad_account(runtime, person), make_ad_account(runtime, person)), key=int)
    ads = [make_ads(runtime, account, 1)[0] for account in accounts]
    moment = _moment(6)
    people = [f"tie{n}@example.com" for n in range(6)]
    one = {"app_type": "web", "dimensions": {"country": "FR"}}
    other = {"app_type": "iphone", "dimensions": {"country": "DE"}}
    # "B-..." comes before "a-..." by character code (a locale's order would put "a" first).
    by_id = ([action(ads[1], moment, type="IMPRESSION", em=email, id=f"a-{email}", **one) for email in people[:3]],
             [action(ads[0], moment, type="IMPRESSION", em=email, id=f"B-{email}", **other) for email in people[:3]])
    # The same id in both accounts: the smaller account's wins, sent last.
    by_account = ([action(ads[1], moment, type="IMPRESSION", em=email, id=f"same-{email}", **one)
                   for email in people[3:]],
                  [action(ads[0], moment, type="IMPRESSION", em=email, id=f"same-{email}", **other)
                   for email in people[3:]])
    for batch in (*by_id, *by_account):
        assert send_actions(person.client, batch).status_code == 200
    for account in accounts:
        assert _account_slices(runtime, account)[("geo", "DE")] == (6, 0)
    with runtime.engine.connect() as conn:
        assert audience_oracle.differences(conn) == []


def test_the_rollup_equals_a_rebuild_from_the_stored_rows(world):
    runtime, _ = world
    with runtime.engine.connect() as conn:
        assert audience_oracle.differences(conn) == []
        assert len(audience_oracle.rebuild(conn)["members"]) > CROWD
