from hypothesis import given
from hypothesis import strategies as st

from pinsight.domain import form_tokens

SECRET = b"test-secret"
FIELDS = ("123", "https://client.example/cb", "code", "pins:read", None)
NOW = 1_800_000_000


def test_a_token_is_valid_for_its_fields_until_it_expires():
    token = form_tokens.issue(SECRET, FIELDS, NOW)
    assert form_tokens.is_valid(SECRET, FIELDS, token, NOW, max_age=60)
    assert form_tokens.is_valid(SECRET, FIELDS, token, NOW + 60, max_age=60)
    assert not form_tokens.is_valid(SECRET, FIELDS, token, NOW + 61, max_age=60)
    assert not form_tokens.is_valid(SECRET, FIELDS, token, NOW - 1, max_age=60)  # issued "in the future"


def test_a_token_is_bound_to_its_fields_and_secret():
    token = form_tokens.issue(SECRET, FIELDS, NOW)
    assert not form_tokens.is_valid(b"other-secret", FIELDS, token, NOW, max_age=60)
    for position in range(len(FIELDS)):
        changed = list(FIELDS)
        changed[position] = "" if FIELDS[position] is None else None  # absent and empty differ too
        assert not form_tokens.is_valid(SECRET, changed, token, NOW, max_age=60)


def test_a_token_cannot_be_moved_to_another_time():
    _, mac = form_tokens.issue(SECRET, FIELDS, NOW).split(".")
    assert not form_tokens.is_valid(SECRET, FIELDS, f"{NOW - 1}.{mac}", NOW, max_age=60)


@given(st.one_of(st.none(), st.text(max_size=200)))
def test_arbitrary_text_is_refused_not_crashing(text):
    assert not form_tokens.is_valid(SECRET, FIELDS, text, NOW, max_age=60)
