import pytest
from hypothesis import given
from hypothesis import strategies as st

from pinsight.domain.bookmarks import BookmarkCodec, fingerprint
from pinsight.errors import InvalidBookmark

codec = BookmarkCodec(b"test-secret")


@given(st.integers(min_value=1, max_value=2**63 - 1))
def test_round_trip(key):
    list_id = fingerprint("pins/list", 1, ["PUBLIC"])
    assert codec.decode(codec.encode(key, list_id), list_id) == key


def test_bookmark_for_another_list_is_rejected():
    mine, theirs = fingerprint("pins/list", 1), fingerprint("pins/list", 2)
    with pytest.raises(InvalidBookmark, match="different list"):
        codec.decode(codec.encode(99, mine), theirs)


def test_bookmark_signed_with_another_secret_is_rejected():
    list_id = fingerprint("x")
    forged = BookmarkCodec(b"other").encode(5, list_id)
    with pytest.raises(InvalidBookmark):
        codec.decode(forged, list_id)


@given(st.text(max_size=80))
def test_arbitrary_text_is_rejected_not_crashing(text):
    with pytest.raises(InvalidBookmark):
        codec.decode(text, fingerprint("x"))


def test_tampered_key_is_rejected():
    list_id = fingerprint("x")
    body, signature = codec.encode(5, list_id).split(".")
    other_body = codec.encode(6, list_id).split(".")[0]
    with pytest.raises(InvalidBookmark):
        codec.decode(f"{other_body}.{signature}", list_id)
    assert body != other_body
