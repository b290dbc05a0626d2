"""The browser journeys' tools: an Actor (one user at one browser context, every page checked
with axe-core at desktop and phone width), TOTP codes, the site's words in either language."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import struct
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote_plus, urlsplit

from django.utils import translation

from luutru.throttle import BROWSER_COOKIE

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # The order of a date box's parts (mm/dd/yyyy) follows Chromium's own language, not the
    # page's: pinned, so that the journeys can type dates.
    "--lang=en-US",
]
# Set by `python3 -m luutru.stack test` when it could not install Chromium.
SKIP_REASON_VARIABLE = "LUUTRU_BROWSER_SKIP_REASON"

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
# What a journey may fail on: axe's two worst impacts. Moderate and minor are reported only.
BLOCKING_IMPACTS = {"serious", "critical"}
# The cookies a visitor may carry: nothing else, and never personal data.
# luutru_browser: a random token that marks a browser which logged in before (the login
# throttle lets it through an attacker's wave of failures); the server keeps only its hash.
ALLOWED_COOKIES = {"sessionid", "csrftoken", "django_language", BROWSER_COOKIE}
# Where Django's default message storage would put flash messages (ours keeps them in the
# session, see settings.MESSAGE_STORAGE); test_privacy.py checks that none ever arrives.
FLASH_COOKIE = "messages"


# --- translations -----------------------------------------------------------------------------


def tr(language: str, message: str, **params) -> str:
    """``message`` as the site shows it in ``language``, with its %(name)s parameters."""
    with translation.override(language):
        text = translation.gettext(message)
    return text % params if params else text


def ntr(language: str, singular: str, plural: str, number: int, **params) -> str:
    with translation.override(language):
        text = translation.ngettext(singular, plural, number)
    return text % params if params else text


# --- TOTP: RFC 6238 written out, as an authenticator app computes it ------------------------


def totp(key: bytes, counter: int, digits: int = 6) -> str:
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 10**digits:0{digits}d}"


def key_from_base32(shown: str) -> bytes:
    """The key as the enrolment page shows it: base32 in groups of four, without padding."""
    raw = "".join(shown.split()).upper()
    return base64.b32decode(raw + "=" * (-len(raw) % 8))


def code_for(user, *, key: bytes | None = None) -> str:
    """A code the server accepts now for ``user``'s authenticator: the current time step, or
    the next one when the current was used already (a code works once; django-otp allows one
    step of tolerance)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        # Being enrolled: the key is on the page, no device exists until a code confirms it.
        assert key is not None, f"{user} has no authenticator"
        device = TOTPDevice(key=key.hex())
    key = key or device.bin_key
    step = int((time.time() - device.t0) // device.step) + device.drift
    step = max(step, device.last_t + 1)
    return totp(key, step, device.digits)


# --- axe-core on every page -----------------------------------------------------------------


@dataclass
class AxeTally:
    """What the whole run checked, for the summary at the end."""

    checks: int = 0
    seconds: float = 0.0
    pages: set[str] = field(default_factory=set)
    minor: dict[str, int] = field(default_factory=dict)
    reported: list[str] = field(default_factory=list)


TALLY = AxeTally()


def _route(url: str) -> str:
    path = urlsplit(url).path
    return "/".join("<id>" if part.isdigit() else part for part in path.split("/"))


def _axe_script() -> str:
    from axe_playwright_python.base import AXE_SCRIPT

    return AXE_SCRIPT


def run_axe(page, where: str) -> list[str]:
    """axe-core on the page as it is now; the serious and critical violations, described."""
    # Injected from the local copy shipped with axe-playwright-python (no CDN), once a page.
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_script())
    started = time.monotonic()
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    TALLY.seconds += time.monotonic() - started
    TALLY.checks += 1
    problems = []
    for violation in results["violations"]:
        if violation["impact"] not in BLOCKING_IMPACTS:
            TALLY.minor[violation["id"]] = TALLY.minor.get(violation["id"], 0) + 1
            continue
        for node in violation["nodes"]:
            detail = " ".join(
                check["message"] for check in node.get("any", []) + node.get("all", [])
            )
            problems.append(
                f"{violation['id']} ({violation['impact']}) at {where}: "
                f"{' '.join(map(str, node['target']))} {node['html'][:160]!r} {detail}"
            )
    return problems


# --- one person at one browser --------------------------------------------------------------


class Actor:
    """A user at their own browser context (desktop or phone). Every page they land on is
    checked with axe-core at both widths before the journey goes on: `settle()` after each
    step that navigates, and `finish()` fails if a navigation was never checked."""

    def __init__(self, context, *, name: str, language: str, viewport: dict, base_url: str):
        self.context = context
        self.name = name
        self.language = language
        self.viewport = viewport
        self.base_url = base_url
        self.page = context.new_page()
        self.page.set_default_timeout(10_000)
        self.urls: list[str] = []  # every request the browser made, for the privacy check
        self.cookie_names: set[str] = set()
        self.set_cookies: list[str] = []  # every Set-Cookie the server sent, name=value
        self._unchecked: str | None = None
        self.keyboard_only = False  # while True, click() refuses: Tab, type and Enter only
        self.page.on("request", lambda request: self.urls.append(request.url))
        self.page.on("response", self._responded)
        self.page.on("framenavigated", self._navigated)

    @property
    def phone(self) -> bool:
        return self.viewport == PHONE

    def _responded(self, response) -> None:
        for header in response.headers_array():
            if header["name"].lower() == "set-cookie":
                self.set_cookies.append(header["value"].split(";", 1)[0])

    def _navigated(self, frame) -> None:
        if frame == self.page.main_frame:
            self._unchecked = frame.url

    def t(self, message: str, **params) -> str:
        return tr(self.language, message, **params)

    # navigation ---------------------------------------------------------------------------

    def goto(self, path: str) -> None:
        self.page.goto(self.base_url + path)
        self.settle()

    def navigate(self, action: Callable[[], object]) -> None:
        """Run ``action`` (a click, a tap, Enter), wait for the page it leads to, check it."""
        with self.page.expect_navigation():
            action()
        self.settle()

    def click(self, locator) -> None:
        assert not self.keyboard_only, f"{self.name} is using the keyboard only"
        self.navigate(locator.tap if self.phone else locator.click)

    def settle(self) -> None:
        page = self.page
        page.wait_for_load_state("load")
        if self._unchecked is None:
            return
        where = f"{_route(page.url)} [{self.language}]"
        problems = []
        # The page as the actor sees it, then at the other width.
        for size in (self.viewport, DESKTOP if self.phone else PHONE):
            page.set_viewport_size(size)
            problems += run_axe(page, f"{where} {size['width']}×{size['height']}")
        page.set_viewport_size(self.viewport)
        TALLY.pages.add(_route(page.url))
        self.cookie_names |= {cookie["name"] for cookie in self.context.cookies()}
        self._unchecked = None
        if problems and os.environ.get("AXE_REPORT_ONLY"):
            # While fixing templates: list every violation of the run instead of stopping.
            TALLY.reported.extend(problems)
            return
        assert not problems, "axe-core found violations:\n" + "\n".join(problems)

    def finish(self) -> None:
        assert self._unchecked is None, f"{self.name}: {self._unchecked} was never checked"

    # what the user sees -------------------------------------------------------------------

    def messages(self) -> list[str]:
        return [text.strip() for text in self.page.locator("main > .alert").all_inner_texts()]

    def assert_message(self, text: str) -> None:
        shown = self.messages()
        assert text in shown, f"{self.name} expected the message {text!r}, saw {shown!r}"

    def switch_language(self) -> None:
        """In English, the site is switched by its own language button, as a visitor would."""
        page = self.page
        if page.locator("html").get_attribute("lang") == self.language:
            return  # Vietnamese, the default; or English chosen on an earlier page
        if self.phone:
            page.locator(".navbar-toggler").tap()
        button = page.locator("button[name=language][value=en]")
        self.click(button)
        assert page.locator("html").get_attribute("lang") == "en"
        assert {c["name"]: c["value"] for c in self.context.cookies()}["django_language"] == "en"

    # keyboard -----------------------------------------------------------------------------

    def focused(self) -> str:
        return self.page.evaluate(
            """() => {
                const e = document.activeElement;
                if (!e) return "";
                return e.id || (e.tagName === "BUTTON" ? e.textContent.trim() : e.name || "");
            }"""
        )

    def tab_to(self, selector: str, limit: int = 80) -> None:
        """Press Tab until the element matching ``selector`` has the focus."""
        page = self.page
        for _ in range(limit):
            if page.evaluate(
                "s => document.activeElement && document.activeElement.matches(s)", selector
            ):
                return
            page.keyboard.press("Tab")
        raise AssertionError(f"{self.name}: Tab never reached {selector}")

    # logging in ---------------------------------------------------------------------------

    def log_in(self, username: str, password: str, *, user=None) -> None:
        """The login page, the password, then the six-digit code of the user's authenticator
        (None: a user who has no second factor yet goes on to enrolment)."""
        page = self.page
        self.goto("/accounts/login/")
        self.switch_language()
        assert page.locator("h1").inner_text() == self.t("Log in")
        page.locator("#id_username").fill(username)
        page.locator("#id_password").fill(password)
        self.navigate(lambda: page.locator("#id_password").press("Enter"))
        if user is not None:
            assert "/accounts/2fa/verify/" in page.url, page.url
            assert page.locator("h1").inner_text() == self.t("Two-factor authentication")
            page.locator("#id_token").fill(code_for(user))
            self.navigate(lambda: page.locator("#id_token").press("Enter"))
            assert "/accounts/2fa/" not in page.url, self.messages()

    # privacy ------------------------------------------------------------------------------

    def assert_holds_no_personal_data(self, secrets: list[str]) -> None:
        """localStorage and sessionStorage empty, only the session, CSRF and language cookies
        (now, at every page seen, and in every Set-Cookie), and no guest's name or document
        number in any URL the browser requested."""
        storage = self.page.evaluate(
            "() => ({local: Object.assign({}, localStorage),"
            " session: Object.assign({}, sessionStorage)})"
        )
        assert storage == {"local": {}, "session": {}}, f"{self.name}: {storage}"
        names = {cookie["name"] for cookie in self.context.cookies()} | self.cookie_names
        names |= {pair.split("=", 1)[0] for pair in self.set_cookies}
        assert names <= ALLOWED_COOKIES, f"{self.name} carried cookies {names - ALLOWED_COOKIES}"
        for url in self.urls:
            readable = unquote_plus(url).casefold()
            for secret in secrets:
                assert secret.casefold() not in readable, f"{secret!r} is in the URL {url}"
