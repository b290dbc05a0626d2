"""Who may use which route: the table below is the project's access policy, and this file
checks it against the URL resolver (every route listed, nothing listed that is gone) and
against real requests for every route, method, role and object (own or the other side's).

What every row promises:

- anonymous: a redirect to the login page (a public route works for them);
- a signed-in user who still owes a second factor: a redirect to enrolment or verification
  (but for the public routes and the few pages they need to get through: enrol, verify,
  log out, switch language);
- a role not in the row: 403 (an owner asking to correct the other side's declaration gets
  the 404 of the declaration lookup first, see `fetches_first`);
- a role in the row, with the other establishment's or ward's id: 404;
- a role in the row, with its own id: a 2xx or 3xx (not to the login or 2FA pages), or a 400
  for a POST with an empty body;
- a method the route does not take: 405 for anyone signed in (the decorator answers first);
- a POST without a CSRF token: 403.

"Own" objects belong to Khách sạn Hoàn Kiếm (rita, alice) in Phường Hoàn Kiếm (omar, cora);
the other side's to Nhà nghỉ Ba Đình (ron, bob) in Phường Ba Đình (otto, carl).
"""

from __future__ import annotations

import collections
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from guests.imports import services as imports
from guests.models import RegisterClosing
from luutru.models import Beat
from tests import factories as f
from tests.establishments.helpers import make_application
from tests.route_policy import (
    ADMIN,
    COMMANDER,
    ENDS_ON_LOGIN,
    FIXED_KWARGS,
    IMMIGRATION,
    LOGIN,
    OFFICER,
    OWNER,
    POLICY,
    PUBLIC,
    RECEPTIONIST,
    ROLES,
    SECOND_FACTOR,
    SECOND_FACTOR_EXEMPT,
    SPONSOR,
    Policy,
)
from wards.models import Flag, FlagKind

# --- the resolver -----------------------------------------------------------------------------


def walk(patterns, namespace: str | None = None, prefix: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace
            inner = (f"{namespace}:{ns}" if namespace else ns) if ns else namespace
            yield from walk(pattern.url_patterns, inner, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield name, prefix + str(pattern.pattern)


def project_routes() -> dict[str, str]:
    """Every named route of the project, with its pattern; of the Django admin, its index."""
    routes = {}
    for name, route in walk(get_resolver().url_patterns):
        assert name, f"an unnamed route: {route}"
        if name.startswith("admin:") and name != "admin:index":
            continue
        routes[name] = route
    return routes


def test_every_route_is_in_the_table():
    routes = project_routes()
    missing = sorted(set(routes) - set(POLICY))
    gone = sorted(set(POLICY) - set(routes))
    assert not missing, f"routes with no policy in the table: {missing}"
    assert not gone, f"policies for routes that no longer exist: {gone}"
    for name, policy in POLICY.items():
        assert ("<int:pk>" in routes[name]) == (policy.obj is not None), name


# --- the cast and the objects -----------------------------------------------------------------


@pytest.fixture
def cast(rita, alice, omar, cora, ivan, sam, admin_user) -> dict[str, object]:
    return {
        RECEPTIONIST: rita,
        OWNER: alice,
        OFFICER: omar,
        COMMANDER: cora,
        IMMIGRATION: ivan,
        SPONSOR: sam,
        ADMIN: admin_user,
    }


def _objects_of(establishment, *, desk, officer, n: int) -> dict[str, int]:
    """One object of each kind a route id can point to, all belonging to ``establishment`` and
    its ward."""
    ward = establishment.ward
    now = timezone.now()
    today = timezone.localdate()
    notice = f.make_notice(ward=ward, author=officer)
    thread = f.make_feedback_thread(establishment=establishment, by=desk)
    spare = f.make_staff(establishment=establishment, username=f"spare-desk-{n}")
    return {
        "declaration": f.make_declaration(establishment=establishment, by=desk).pk,
        "application": make_application(ward=ward).pk,
        "staff": spare.staff.pk,
        "flag": Flag.objects.create(
            kind=FlagKind.MISSING,
            establishment=establishment,
            ward=ward,
            day=today - timedelta(days=1),
            raised_at=now,
        ).pk,
        "notice": notice.pk,
        "feedback thread": thread.pk,
        "establishment": establishment.pk,
        "beat": Beat.objects.create(ward=ward, name=f"Khu vực {n}").pk,
        "import batch": imports.create_import_batch(
            establishment=establishment,
            uploaded_by=desk,
            filename="guests.csv",
            content=f"batch {n}\n".encode(),
        ).pk,
        # A SUBMITTED application of the establishment; the other side's is also filed with
        # another province's office (tests.factories.make_route_application).
        "immigration application": f.make_route_application(
            establishment=establishment, by=desk, elsewhere=n != 1
        ).pk,
        "register closing": RegisterClosing.objects.create(
            establishment=establishment,
            day=today - timedelta(days=2),
            foreigners=0,
            citizens=0,
            late=0,
            closed_by=desk,
            closed_at=now,
        ).pk,
    }


@pytest.fixture
def objects(establishment, other_establishment, rita, ron, omar, otto) -> dict[str, dict]:
    return {
        "own": _objects_of(establishment, desk=rita, officer=omar, n=1),
        "other": _objects_of(other_establishment, desk=ron, officer=otto, n=2),
    }


# --- requests ----------------------------------------------------------------------------------

REQUESTS: collections.Counter[str] = collections.Counter()
_reported: list[int] = []


@pytest.fixture(scope="module", autouse=True)
def report_requests(request):
    """Print how many requests the checks made, past pytest's output capture."""
    yield
    total = sum(REQUESTS.values())
    if total in _reported:
        return  # pytest-django runs the test without a database last: nothing new to report
    _reported.append(total)
    by_check = ", ".join(f"{check}: {count}" for check, count in REQUESTS.items())
    capture = request.config.pluginmanager.getplugin("capturemanager")
    with capture.global_and_fixture_disabled():
        print(f"\nroute policy: {len(POLICY)} routes, {total} requests ({by_check})")


def cases(objects):
    """(route name, method, side, url) for every route and method to try; GET is tried on
    POST-only routes too."""
    for name, policy in POLICY.items():
        methods = policy.methods if "GET" in policy.methods else ("GET", *policy.methods)
        for side in ("own", "other") if policy.obj else ("own",):
            if policy.obj:
                url = reverse(name, kwargs={"pk": objects[side][policy.obj]})
            else:
                url = reverse(name, kwargs=FIXED_KWARGS.get(name))
            for method in methods:
                yield name, method, side, url


def send(client: Client, method: str, url: str, counter: str):
    REQUESTS[counter] += 1
    if method == "GET":
        return client.get(url)
    return client.post(url, {})


def describe(response) -> str:
    location = response.get("Location", "")
    return f"{response.status_code}{' → ' + location if location else ''}"


def redirects_to(response, *paths: str) -> bool:
    return response.status_code == 302 and response["Location"].startswith(paths)


def works(response, method: str, name: str) -> bool:
    """The page did its job, or refused the empty form: neither denied nor broken."""
    if response.status_code in (403, 404) or response.status_code >= 500:
        return False
    if response.status_code >= 400:
        return method == "POST" and response.status_code == 400
    if name in ENDS_ON_LOGIN:
        return not redirects_to(response, *SECOND_FACTOR)
    return not redirects_to(response, LOGIN, *SECOND_FACTOR)


# --- the checks -------------------------------------------------------------------------------


def test_anonymous_users_are_sent_to_the_login_page(client, objects):
    failures = []
    for name, method, side, url in cases(objects):
        response = send(client, method, url, "anonymous")
        if POLICY[name].who is PUBLIC:
            ok = works(response, method, name)
        elif POLICY[name].denied == "admin login":
            ok = redirects_to(response, "/admin/login/")  # which sends them on to ours
        else:
            ok = redirects_to(response, LOGIN)
        if not ok:
            failures.append(f"{method} {url} ({name}, {side}): {describe(response)}")
    assert not failures, "\n".join(failures)


def test_users_who_owe_a_second_factor_are_sent_to_enrol_or_verify(cast, objects):
    # Half the cast have an authenticator already (they are asked for a code), half not yet
    # (they are asked to enrol).
    enrolled = {OWNER, COMMANDER, ADMIN}
    for role in enrolled:
        f.enrol_totp(cast[role])
    failures = []
    for role, user in cast.items():
        client = f.login(Client(), user, verified=False)
        target = "/accounts/2fa/verify/" if role in enrolled else "/accounts/2fa/enrol/"
        for name, method, side, url in cases(objects):
            response = send(client, method, url, "second factor owed")
            if POLICY[name].who is PUBLIC or name in SECOND_FACTOR_EXEMPT:
                ok = response.status_code < 500 and not redirects_to(response, *SECOND_FACTOR)
                # Enrol and verify send each other the user who belongs on the other one.
                ok = ok or (name in {"otp_enrol", "otp_verify"} and redirects_to(response, target))
            else:
                ok = redirects_to(response, target)
            if not ok:
                failures.append(f"{role}: {method} {url} ({name}, {side}): {describe(response)}")
            if name == "logout" and method == "POST":
                f.login(client, user, verified=False)
    assert not failures, "\n".join(failures)


def expectation(policy: Policy, role: str, method: str, side: str) -> str:
    if method not in policy.methods:
        return "405"
    if policy.who is PUBLIC or role in policy.who:
        return "works" if side == "own" else "404"
    if side == "other" and role in policy.fetches_first:
        return "404"
    return policy.denied


def meets(response, expected: str, method: str, name: str) -> bool:
    if expected == "works":
        return works(response, method, name)
    if expected == "admin login":
        return redirects_to(response, "/admin/login/")
    return str(response.status_code) == expected


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_what_the_table_says(role, cast, objects):
    user = cast[role]
    client = f.login(Client(), user)
    failures = []
    for name, method, side, url in cases(objects):
        expected = expectation(POLICY[name], role, method, side)
        response = send(client, method, url, "verified roles")
        if not meets(response, expected, method, name):
            failures.append(
                f"{method} {url} ({name}, {side}): expected {expected}, got {describe(response)}"
            )
        if name == "logout" and method == "POST":
            f.login(client, user)
    assert not failures, f"{role}:\n" + "\n".join(failures)


def test_every_post_route_refuses_a_request_without_a_csrf_token(cast, objects):
    # The same user and empty POST get past access control in the tests above, so the 403
    # here is the CSRF check's.
    failures = []
    for name, policy in POLICY.items():
        if "POST" not in policy.methods:
            continue
        client = Client(enforce_csrf_checks=True)
        if policy.who is not PUBLIC:
            # Someone the route would serve, past the second factor.
            f.login(client, cast[next(role for role in ROLES if role in policy.who)])
        if policy.obj:
            url = reverse(name, kwargs={"pk": objects["own"][policy.obj]})
        else:
            url = reverse(name, kwargs=FIXED_KWARGS.get(name))
        response = send(client, "POST", url, "csrf")
        if response.status_code != 403:
            failures.append(f"POST {url} ({name}): {describe(response)}")
    assert not failures, "\n".join(failures)
