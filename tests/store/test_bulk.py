"""store.bulk's shortcuts give the driver exactly what SQLAlchemy's own processing would."""

from __future__ import annotations

from datetime import datetime

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine

from pinsight.store.bulk import bind_processor, datetime_binder
from pinsight.store.tables import ad_actions


@settings(max_examples=500, deadline=None)
@given(st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59, 999999)))
def test_the_sqlite_datetime_shortcut_writes_sqlalchemys_text(moment):
    with create_engine("sqlite://").connect() as conn:
        fast, slow = datetime_binder(conn, ad_actions.c.occurred_at), bind_processor(conn, ad_actions.c.occurred_at)
        assert fast is not slow  # the shortcut is taken on SQLite, so this compares two things
        assert fast(moment) == slow(moment)
