"""A batch of ad actions is checked before its write transaction; if the ads it names
changed in between (here: the sender's role taken away), the write checks again against
what holds then, and nothing is written that the ads no longer allow. The change happens
for real, in its own transaction, between the two reads, on both databases."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from pinsight.errors import BatchRejected
from pinsight.services.ads import ad_events
from pinsight.services.identity.access import Actor
from pinsight.store.tables import ad_actions
from tests.support.ads import action
from tests.support.factories import make_ad_account, make_ads, set_role


def _stored(runtime, account_id: str) -> int:
    with runtime.engine.connect() as conn:
        return conn.execute(select(func.count()).where(ad_actions.c.ad_account_id == int(account_id))).scalar()


@pytest.mark.parametrize("revoked", [False, True])
def test_a_role_taken_away_between_check_and_write_refuses_the_batch(runtime, user, new_user, monkeypatch, revoked):
    account_id = make_ad_account(runtime, user)
    (ad,) = make_ads(runtime, account_id, 1)
    helper = new_user()
    set_role(runtime, account_id, helper, "CAMPAIGN_MANAGER")
    real = ad_events.writable_ads
    calls = []

    def writable_then_revoked(conn, user_id, items):
        found = real(conn, user_id, items)
        calls.append(len(found))
        if len(calls) == 1 and revoked:
            set_role(runtime, account_id, helper, None)  # committed before the write transaction starts
        return found

    monkeypatch.setattr(ad_events, "writable_ads", writable_then_revoked)
    items = [action(ad, runtime.clock.now() - timedelta(minutes=n + 1)) for n in range(3)]
    actor = Actor(None, None, int(helper.id))
    if revoked:
        with pytest.raises(BatchRejected) as refused:
            ad_events.ingest_ad_events(runtime, actor, items)
        assert [problem.position for problem in refused.value.problems] == [0, 1, 2]
        assert calls == [1, 0] and _stored(runtime, account_id) == 0
    else:
        assert ad_events.ingest_ad_events(runtime, actor, items)["applied"] == 3
        assert calls == [1, 1] and _stored(runtime, account_id) == 3
