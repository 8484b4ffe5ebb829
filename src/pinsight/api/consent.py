"""The local consent page (/oauth/): where a developer signs in as a demo user and
approves an app's authorization request, standing in for pinterest.com/oauth/."""

from __future__ import annotations

from html import escape
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from pinsight.api.deps import RuntimeDep
from pinsight.errors import ApiError
from pinsight.services import oauth
from pinsight.store import content as content_store

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

_FIELDS = ("client_id", "redirect_uri", "response_type", "scope", "state")


@router.get("/oauth/")
def consent_page(request: Request, rt: RuntimeDep):
    params = {name: request.query_params.get(name) for name in _FIELDS}
    try:
        if params["response_type"] not in (None, "code"):
            raise ApiError("response_type must be 'code'.")
        app_name, scopes = oauth.check_consent_request(rt, params["client_id"], params["redirect_uri"], params["scope"])
    except ApiError as error:
        return HTMLResponse(_ERROR_PAGE.format(message=escape(error.message)), status_code=400)
    with rt.engine.connect() as conn:
        usernames = content_store.list_usernames(conn)
    hidden = "".join(
        f'<input type="hidden" name="{name}" value="{escape(value)}">' for name, value in params.items() if value is not None
    )
    return HTMLResponse(
        _PAGE.format(
            app=escape(app_name),
            scopes="".join(f"<li>{escape(scope)}</li>" for scope in sorted(scopes)),
            users="".join(f'<option value="{escape(u)}">{escape(u)}</option>' for u in usernames),
            hidden=hidden,
        )
    )


@router.post("/oauth/")
async def consent_decision(request: Request, rt: RuntimeDep):
    form = await request.form()
    values = {name: form.get(name) for name in (*_FIELDS, "username", "decision")}
    try:
        if values["decision"] != "allow":
            oauth.check_consent_request(rt, values["client_id"], values["redirect_uri"], values["scope"])
            query = {"error": "access_denied"}
            if values["state"] is not None:
                query["state"] = values["state"]
            separator = "&" if "?" in values["redirect_uri"] else "?"
            return RedirectResponse(f"{values['redirect_uri']}{separator}{urlencode(query)}", status_code=302)
        location = oauth.grant_code(
            rt, values["client_id"], values["redirect_uri"], values["scope"], values["username"] or "", values["state"]
        )
    except ApiError as error:
        return HTMLResponse(_ERROR_PAGE.format(message=escape(error.message)), status_code=400)
    return RedirectResponse(location, status_code=302)
