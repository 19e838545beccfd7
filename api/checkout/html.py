"""The hosted page's HTML: plain server-rendered markup, no JavaScript, readable on a phone.

Templates are ``string.Template``s and every value is HTML-escaped on the way in (``_fill``):
four small templates do not justify Jinja2 as a dependency, and one escaping function used for
every value gives the same guarantee as autoescaping.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from string import Template

from fastapi.responses import HTMLResponse

from api.checkout.texts import text
from payments.money import Currency, format_minor
from payments.public import Language
from stores.checkout import SessionRow

# No script may run, no other origin may frame the page, and the page's URL (the session's
# token) is never sent as a Referer to the bank's challenge page or the shop.
HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
    "frame-ancestors 'none'; base-uri 'none'",
}
_CSS = (
    "*{box-sizing:border-box}body{margin:0;font:16px/1.45 system-ui,sans-serif;color:#1a1a2e;"
    "background:#f4f5f9}main{max-width:26rem;margin:0 auto;padding:1.25rem 1rem}"
    "header{margin-bottom:1rem}.merchant{margin:0;color:#555}h1{margin:.2rem 0;font-size:1.8rem}"
    ".desc{margin:0;color:#333}#message{padding:.75rem .9rem;border-radius:.5rem;"
    "margin:1rem 0;background:#fdecec;border:1px solid #e0a3a3}#message.info{background:#eef3fd;"
    "border-color:#a9bfe6}#message p{margin:0}#message .next{margin-top:.35rem;font-weight:600}"
    "form{background:#fff;padding:1rem;border-radius:.6rem;box-shadow:0 1px 3px #0002}"
    "label{display:block;margin:.7rem 0 .25rem;font-size:.95rem}input{width:100%;"
    "font-size:1.1rem;padding:.6rem;border:1px solid #b9bccb;border-radius:.4rem}"
    ".row{display:flex;gap:.75rem}.row>div{flex:1}button,.button{display:block;width:100%;"
    "margin-top:1.1rem;padding:.8rem;font-size:1.1rem;border:0;border-radius:.45rem;"
    "background:#3a4fd6;color:#fff;text-align:center;text-decoration:none}"
    ".links{margin-top:1.2rem;text-align:center}.links a{color:#3a4fd6}"
)
_PAGE = Template(
    '<!doctype html><html lang="$lang"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1">$refresh'
    "<title>$title</title><style>$css</style></head><body><main><header>"
    '<p class="merchant">$pay_to</p><h1 id="amount">$amount</h1>$desc</header>'
    "$message$body$links</main></body></html>"
)
_FORM = Template(
    '<form method="post" action="$action" autocomplete="on">'
    '<input type="hidden" name="csrf" value="$csrf"><input type="hidden" name="attempt" '
    'value="$attempt"><label for="number">$l_number</label><input id="number" name="number" '
    'inputmode="numeric" autocomplete="cc-number" maxlength="23" required>'
    '<div class="row"><div><label for="exp">$l_expiry</label><input id="exp" name="exp" '
    'autocomplete="cc-exp" placeholder="MM/YY" maxlength="7" required></div><div>'
    '<label for="cvc">$l_cvc</label><input id="cvc" name="cvc" inputmode="numeric" '
    'autocomplete="cc-csc" maxlength="4" required></div></div><label for="name">$l_name</label>'
    '<input id="name" name="name" autocomplete="cc-name" maxlength="100">'
    '<button type="submit" id="pay">$pay</button></form>'
)


@dataclass(frozen=True, slots=True)
class Screen:
    """What one page shows: a message (and next step), then a form or a link onward."""

    message: str | None = None
    next_step: str | None = None
    info: bool = False
    """The message is news, not a problem (processing, the bank's confirmation)."""
    attempt: int | None = None
    """The card attempt the form is for; None: no form."""
    link: tuple[str, str] | None = None
    """A button-like link: (URL, words)."""
    refresh: bool = False
    status: int = 200


def _fill(template: Template, **values: str) -> str:
    return template.substitute({k: escape(v) for k, v in values.items()})


def render(session: SessionRow, lang: Language, screen: Screen) -> HTMLResponse:
    """The page of ``session`` showing ``screen`` in ``lang``."""
    amount = format_minor(session.amount, Currency(session.currency))
    page = _PAGE.substitute(
        lang=escape(lang),
        refresh='<meta http-equiv="refresh" content="2">' if screen.refresh else "",
        title=escape(text(lang, "title")),
        css=_CSS,
        pay_to=escape(text(lang, "pay_to", merchant=session.merchant_id)),
        amount=escape(amount),
        desc=_desc(session.description),
        message=_message(screen),
        body=_form(session, lang, screen, amount),
        links=_links(session, lang, screen),
    )
    return HTMLResponse(page, status_code=screen.status, headers=HEADERS)


def _desc(description: str | None) -> str:
    return f'<p class="desc">{escape(description)}</p>' if description else ""


def _message(screen: Screen) -> str:
    if screen.message is None:
        return ""
    kind = ' class="info"' if screen.info else ""
    role = "status" if screen.info else "alert"
    nxt = f'<p class="next">{escape(screen.next_step)}</p>' if screen.next_step else ""
    return f'<div id="message"{kind} role="{role}"><p>{escape(screen.message)}</p>{nxt}</div>'


def _form(session: SessionRow, lang: Language, screen: Screen, amount: str) -> str:
    if screen.attempt is None:
        return ""
    return _fill(
        _FORM, action=f"/checkout/{session.id}", csrf=session.csrf_token,
        attempt=str(screen.attempt), l_number=text(lang, "number"),
        l_expiry=text(lang, "expiry"), l_cvc=text(lang, "cvc"), l_name=text(lang, "name"),
        pay=text(lang, "pay", amount=amount),
    )  # fmt: skip


def _links(session: SessionRow, lang: Language, screen: Screen) -> str:
    onward = ""
    if screen.link is not None:
        url, words = screen.link
        onward = f'<a class="button" id="onward" href="{escape(url)}">{escape(words)}</a>'
    which = "cancel" if screen.attempt is not None else "back"
    back = f'<a id="cancel" href="{escape(session.cancel_url)}">{escape(text(lang, which))}</a>'
    return f'{onward}<p class="links">{back}</p>'


def plain(lang: Language, words: str, status: int) -> HTMLResponse:
    """A page with no session behind it (an unknown or malformed token)."""
    body = f'<main><div id="message" role="alert"><p>{escape(words)}</p></div></main>'
    page = (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" '
        f'content="width=device-width, initial-scale=1"><title>{escape(text(lang, "title"))}'
        f"</title><style>{_CSS}</style></head><body>{body}</body></html>"
    )
    return HTMLResponse(page, status_code=status, headers=HEADERS)
