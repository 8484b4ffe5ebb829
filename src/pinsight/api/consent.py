"""The local consent page (/oauth/): where a developer signs in as a demo user and
approves an app's authorization request, standing in for pinterest.com/oauth/."""

from __future__ import annotations

from dataclasses import asdict
from html import escape

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from pinsight.api.deps import RuntimeDep
from pinsight.api.forms import parse_form, read_fields
from pinsight.errors import ApiError, Forbidden
from pinsight.services.identity import consent
from pinsight.services.identity.consent import REQUEST_FIELDS, authorization_request
from pinsight.services.identity.oauth import FIELD_LIMITS

router = APIRouter(include_in_schema=False)

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>pinsight: authorize {app}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;color:#211922}}
button{{padding:.5rem 1.2rem;margin-right:.5rem;border-radius:1rem;border:0;background:#e60023;color:#fff}}
button.deny{{background:#efefef;color:#211922}} li{{font-family:monospace}}</style></head>
<body><h1>Authorize <em>{app}</em></h1>
<p>This app asks for these scopes:</p><ul>{scopes}</ul>
<form method="post" action="/oauth/">
<label>Sign in as <select name="username">{users}</select></label>
{hidden}
<p><button name="decision" value="allow">Allow</button>
<button class="deny" name="decision" value="deny">Deny</button></p>
</form></body></html>"""

_ERROR_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>pinsight: authorization error</title></head>
<body><h1>Authorization request rejected</h1><p>{message}</p></body></html>"""

# On every answer: no other site may frame the page (clickjacking the Allow button), and
# no cache keeps a form token.
_HEADERS = {
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "frame-ancestors 'none'",
    "Cache-Control": "no-store",
}
_FORM_FIELDS = (*REQUEST_FIELDS, "username", "decision", "csrf_token")


def _error_page(error: ApiError) -> HTMLResponse:
    # A refused forgery is a 403; every other bad request, whatever its API status, a 400.
    status = 403 if isinstance(error, Forbidden) else 400
    return HTMLResponse(_ERROR_PAGE.format(message=escape(error.message)), status_code=status, headers=_HEADERS)


def _check_same_origin(request: Request) -> None:
    # Browsers send Origin on cross-site POSTs; a form posted from another site is refused outright.
    origin = request.headers.get("origin")
    own = f"{request.url.scheme}://{request.url.netloc}"
    if origin is not None and origin.lower() != own.lower():
        raise Forbidden("This form may only be submitted from this server's own consent page.")


@router.get("/oauth/")
def consent_page(request: Request, rt: RuntimeDep):
    try:
        authorization = authorization_request(read_fields(request.query_params, REQUEST_FIELDS, FIELD_LIMITS))
        page = consent.consent_page(rt, authorization)
    except ApiError as error:
        return _error_page(error)
    hidden = {**asdict(authorization), "csrf_token": page.form_token}
    return HTMLResponse(
        _PAGE.format(
            app=escape(page.app_name),
            scopes="".join(f"<li>{escape(scope)}</li>" for scope in sorted(page.scopes)),
            users="".join(f'<option value="{escape(u)}">{escape(u)}</option>' for u in page.usernames),
            hidden="".join(
                f'<input type="hidden" name="{name}" value="{escape(value)}">' for name, value in hidden.items() if value is not None
            ),
        ),
        headers=_HEADERS,
    )


@router.post("/oauth/")
async def consent_decision(request: Request, rt: RuntimeDep):
    try:
        _check_same_origin(request)
        values = read_fields(await parse_form(request, max_fields=2 * len(_FORM_FIELDS)), _FORM_FIELDS, FIELD_LIMITS)
        authorization = authorization_request(values)
        location = await rt.call(
            consent.answer, rt, authorization, values["csrf_token"], values["username"] or "", values["decision"] == "allow"
        )
    except ApiError as error:
        return _error_page(error)
    return RedirectResponse(location, status_code=302, headers=_HEADERS)
