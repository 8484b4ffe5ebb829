"""The targeting dictionaries over HTTP: public ones from the package's data, an account's
keywords and audiences from what its ad actions carried, the interest tree, and errors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pinsight.catalog import targeting_dictionaries as dictionaries
from tests.contract.spec_validation import SpecValidator
from tests.support.ads import action, send_actions
from tests.support.factories import make_ad_account, make_ads


@pytest.fixture(scope="module")
def validator(spec) -> SpecValidator:
    return SpecValidator(spec)


def _get(client, path, **params):
    return client.get(f"/resources/targeting/{path}", params=params)


def test_public_dictionaries_hold_the_known_entries(user, validator):
    location = _get(user.client, "LOCATION")
    assert location.status_code == 200, location.text
    (entries,) = location.json()
    assert entries["501"] == "U.S.: New York" and entries["US"] == "United States"
    assert len(entries) == len(dictionaries.location_options())
    (geo,) = _get(user.client, "GEO").json()
    assert geo["547"] == {"country": "US", "name": "Toledo"}
    assert geo["IT"]["regions"]["IT-23"] == {"country": "IT", "name": "Valle d'Aosta"}
    assert geo["UST"]["regions"]["US-PR"]["country"] == "UST"
    (apps,) = _get(user.client, "APPTYPE").json()
    assert apps["iphone"] == "iPhone" and set(apps) == {"android_mobile", "android_tablet", "ipad", "iphone", "web",
                                                       "web_mobile"}
    (genders,) = _get(user.client, "GENDER").json()
    assert set(genders) == {"female", "male", "unknown"}
    (locales,) = _get(user.client, "LOCALE").json()
    assert locales["en-US"] == "English (United States)"
    (interests,) = _get(user.client, "INTEREST").json()
    assert len(interests) == len(dictionaries.interest_options()) > 700
    for name in ("LOCATION", "GEO", "APPTYPE", "INTEREST"):
        validator.validate_response(_get(user.client, name), "/resources/targeting/{targeting_type}", "get")


def test_an_interest_reads_with_its_children(user, validator):
    top = next(i for i in dictionaries.interests().values() if i.level == 1 and i.child_ids)
    answer = _get(user.client, f"interests/{top.id}")
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"id": top.id, "name": top.name, "level": 1, "child_interests": list(top.child_ids)}
    child = _get(user.client, f"interests/{top.child_ids[0]}").json()
    assert child["level"] == 2
    validator.validate_response(answer, "/resources/targeting/interests/{interest_id}", "get")
    missing = _get(user.client, "interests/999999999999999999")
    assert missing.status_code == 404 and set(missing.json()) == {"code", "message"}
    assert _get(user.client, "interests/abc").status_code == 400


def test_an_unknown_type_is_a_400_naming_the_types(user):
    answer = _get(user.client, "PLANET")
    assert answer.status_code == 400 and "LOCATION" in answer.json()["message"]


@pytest.mark.parametrize("name", ["KEYWORD", "AUDIENCE_INCLUDE", "AUDIENCE_EXCLUDE"])
def test_account_dictionaries_are_empty_without_an_account(user, name):
    assert _get(user.client, name).json() == [{}]


def test_an_accounts_keywords_are_those_its_actions_carried(user, runtime):
    account = make_ad_account(runtime, user)
    (ad,) = make_ads(runtime, account, 1)
    moment = datetime.now(UTC).replace(tzinfo=None) - timedelta(hours=3)
    sent = [action(ad, moment, em=f"k{n}@example.com", dimensions={"keyword": word})
            for n, word in enumerate(["rugs", "lamps", "rugs"])]
    sent.append(action(ad, moment, em="none@example.com"))
    assert send_actions(user.client, sent).status_code == 200
    answer = _get(user.client, "KEYWORD", ad_account_id=account)
    assert answer.status_code == 200, answer.text
    assert answer.json() == [{"lamps": "lamps", "rugs": "rugs"}]
    assert _get(user.client, "KEYWORD", ad_account_id="123456").status_code == 404
