"""Signed download links (``domain.signed_links``): made for one key until one moment;
any change to the key, the expiry or the signature, or a late use, is refused."""

from __future__ import annotations

import pytest

from pinsight.domain.signed_links import LinkRefused, sign, verify

SECRET = b"s" * 32
KEY = "report/123/1/report.csv"
EXPIRES = 2_000_000_000


def test_a_signed_link_verifies_until_its_expiry():
    params = sign(SECRET, KEY, EXPIRES)
    assert set(params) == {"expires", "signature"} and params["expires"] == str(EXPIRES)
    assert len(params["signature"]) == 64 and int(params["signature"], 16) >= 0
    verify(SECRET, KEY, params["expires"], params["signature"], now=EXPIRES - 3600)
    verify(SECRET, KEY, params["expires"], params["signature"], now=EXPIRES)  # its last moment


def test_signing_is_deterministic_and_bound_to_each_input():
    base = sign(SECRET, KEY, EXPIRES)["signature"]
    assert sign(SECRET, KEY, EXPIRES)["signature"] == base
    assert sign(b"t" * 32, KEY, EXPIRES)["signature"] != base
    assert sign(SECRET, KEY + "x", EXPIRES)["signature"] != base
    assert sign(SECRET, KEY, EXPIRES + 1)["signature"] != base
    # The key and expiry are separated: moving digits from one to the other is another link.
    assert sign(SECRET, "a1", 23)["signature"] != sign(SECRET, "a", 123)["signature"]


def test_an_expired_link_is_refused():
    params = sign(SECRET, KEY, EXPIRES)
    with pytest.raises(LinkRefused, match="expired") as refused:
        verify(SECRET, KEY, params["expires"], params["signature"], now=EXPIRES + 1)
    assert refused.value.status == 403


def flip(text: str, at: int = 0) -> str:
    return text[:at] + ("0" if text[at] != "0" else "1") + text[at + 1:]


@pytest.mark.parametrize("tamper", [
    "key", "key prefix", "key suffix", "expires later", "expires earlier", "signature first", "signature last",
    "signature upper", "signature short", "signature empty", "signature missing", "expires missing",
    "expires not a number", "expires negative", "expires float", "expires huge", "expires unicode digits",
    "other secret",
])
def test_a_tampered_link_is_refused(tamper):
    params = sign(SECRET, KEY, EXPIRES)
    key, expires, signature, secret = KEY, params["expires"], params["signature"], SECRET
    match tamper:
        case "key":
            key = "report/124/1/report.csv"
        case "key prefix":
            key = "report/123/1"
        case "key suffix":
            key = KEY + ".gz"
        case "expires later":
            expires = str(EXPIRES + 86400)
        case "expires earlier":
            expires = str(EXPIRES - 1)
        case "signature first":
            signature = flip(signature, 0)
        case "signature last":
            signature = flip(signature, 63)
        case "signature upper":
            signature = signature.upper() if signature.upper() != signature else signature + "0"
        case "signature short":
            signature = signature[:-1]
        case "signature empty":
            signature = ""
        case "signature missing":
            signature = None
        case "expires missing":
            expires = None
        case "expires not a number":
            expires = "soon"
        case "expires negative":
            expires = "-1"
        case "expires float":
            expires = f"{EXPIRES}.0"
        case "expires huge":
            expires = "9" * 40
        case "expires unicode digits":
            expires = "２０００"
        case "other secret":
            secret = b"t" * 32
    with pytest.raises(LinkRefused) as refused:
        verify(secret, key, expires, signature, now=EXPIRES - 10)
    assert refused.value.status == 403 and "invalid" in refused.value.message


def test_guard_verify_is_not_a_no_op():
    """The refusals above come from the check, not from a verify that refuses everything."""
    params = sign(SECRET, KEY, EXPIRES)
    verify(SECRET, KEY, params["expires"], params["signature"], now=0)
