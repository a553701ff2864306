"""The throttle and the login lockout, against a server with low rates (THROTTLE_RATES).

Each check speaks from an address of its own (127.x.y.z: the server counts per address), so
that checks, and runs of the sweep, do not share counts. A client names a new address in
X-Forwarded-For on every request, which the server must not believe unless it sits behind
trusted proxies (TRUSTED_PROXY_COUNT).
"""

from __future__ import annotations

import random
import secrets
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from axes.utils import reset as reset_lockouts
from django.contrib.auth.models import Group

from accounts.models import User
from accounts.roles import EDITOR, RESEARCHER
from bench.acceptance.client import Answer, Session
from bench.acceptance.findings import Findings

ANON_RATE, USER_RATE = 20, 40
THROTTLE_RATES = {
    "API_THROTTLE_ANON": f"{ANON_RATE}/minute",
    "API_THROTTLE_USER": f"{USER_RATE}/minute",
}
FAILURE_LIMIT = 5  # LOGIN_FAILURE_LIMIT's default, which the server keeps
LIST = "/api/v1/incidents/?page_size=1"
TOKEN = "/api/v1/auth/token/"


class Addresses:
    """Fresh loopback addresses: a random 127.x.y block per run."""

    def __init__(self) -> None:
        self.block = f"127.{random.randint(1, 254)}.{random.randint(0, 254)}"
        self.used = 0
        self.handed_out: list[str] = []

    def next(self) -> str:
        self.used += 1
        address = f"{self.block}.{self.used}"
        self.handed_out.append(address)
        return address


def forged() -> str:
    """An address a client might claim to be, different each time."""
    return f"203.0.113.{random.randint(1, 254)}"


def statuses(answers: list[Answer]) -> Counter[int]:
    return Counter(answer.status for answer in answers)


def describe(counts: Counter[int]) -> str:
    return ", ".join(f"{count} × {status}" for status, count in sorted(counts.items()))


def concurrently(calls: list[Callable[[], Answer]], threads: int = 30) -> list[Answer]:
    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(lambda call: call(), calls))


# -- The throttle ------------------------------------------------------------------------------


def throttle(findings: Findings, base: str, addresses: Addresses, researcher: tuple[str, str]):
    one = Session(base, addresses.next())
    answers = [one.get(LIST, **{"X-Forwarded-For": forged()}) for _ in range(ANON_RATE + 10)]
    counts = statuses(answers)
    findings.add(
        "throttle",
        f"anonymous, {ANON_RATE + 10} requests one after another, a new X-Forwarded-For each "
        f"({ANON_RATE}/minute)",
        describe(counts),
        counts[200] == ANON_RATE and counts[429] == 10,
    )

    crowd = Session(base, addresses.next())
    calls = [lambda: crowd.get(LIST, **{"X-Forwarded-For": forged()}) for _ in range(90)]
    counts = statuses(concurrently(calls))
    findings.add(
        "throttle",
        f"anonymous, 90 requests from 30 threads at once, forged X-Forwarded-For "
        f"({ANON_RATE}/minute)",
        describe(counts),
        counts[200] == ANON_RATE and counts[429] == 90 - ANON_RATE,
    )

    # A researcher of its own: the demo one's requests of the sweep count towards the rate.
    username, password = f"sweep-{secrets.token_hex(3)}-reader", secrets.token_urlsafe(12)
    User.objects.create_user(username, password=password).groups.add(
        Group.objects.get(name=RESEARCHER)
    )
    reader = Session(base, addresses.next())
    token = reader.post_json(TOKEN, {"username": username, "password": password}).json()["token"]
    reader.headers["Authorization"] = f"Token {token}"
    calls = [lambda: reader.get(LIST, **{"X-Forwarded-For": forged()}) for _ in range(100)]
    counts = statuses(concurrently(calls))
    findings.add(
        "throttle",
        f"researcher (token), 100 requests from 30 threads at once ({USER_RATE}/minute)",
        describe(counts),
        counts[200] == USER_RATE and counts[429] == 100 - USER_RATE,
    )
    User.objects.filter(username=username).delete()
    username, password = researcher

    exchange = Session(base, addresses.next())
    answers = [
        exchange.post_json(
            TOKEN, {"username": username, "password": password}, **{"X-Forwarded-For": forged()}
        )
        for _ in range(ANON_RATE + 5)
    ]
    counts = statuses(answers)
    findings.add(
        "throttle",
        f"token exchange, {ANON_RATE + 5} right passwords, a new X-Forwarded-For each",
        describe(counts),
        counts[200] == ANON_RATE and counts[429] == 5,
    )


def throttle_behind_a_proxy(findings: Findings, base: str, addresses: Addresses) -> None:
    """With TRUSTED_PROXY_COUNT=1: the proxy's entry counts, what the client wrote does not."""
    proxy = Session(base, addresses.next())
    # Addresses the proxy reports for two clients (header values only, fresh for this run).
    clients = (addresses.next(), addresses.next())
    answers = {
        client: [
            proxy.get(LIST, **{"X-Forwarded-For": f"{forged()}, {client}"})
            for _ in range(ANON_RATE + 5)
        ]
        for client in clients
    }
    figure = "; ".join(
        f"client {client}: {describe(statuses(got))}" for client, got in answers.items()
    )
    findings.add(
        "throttle",
        f"behind 1 trusted proxy: 2 clients, {ANON_RATE + 5} requests each, each forging the "
        "left of X-Forwarded-For",
        figure,
        all(statuses(got)[200] == ANON_RATE for got in answers.values()),
    )


# -- The login lockout -------------------------------------------------------------------------


@dataclass
class EntryPoint:
    name: str
    role: str
    staff: bool
    login: Callable[[Session, str, str], Answer]
    succeeded: Callable[[Answer], bool]


def _form_login(path: str) -> Callable[[Session, str, str], Answer]:
    def login(session: Session, username: str, password: str) -> Answer:
        session.cookies.clear()
        return session.post_form(path, {"username": username, "password": password})

    return login


def _token_login(session: Session, username: str, password: str) -> Answer:
    return session.post_json(TOKEN, {"username": username, "password": password})


ENTRY_POINTS = [
    EntryPoint(
        "/admin/login/",
        EDITOR,
        True,
        _form_login("/admin/login/?next=/admin/"),
        lambda answer: answer.status == 302,
    ),
    EntryPoint(
        "/account/login/",
        RESEARCHER,
        False,
        _form_login("/account/login/"),
        lambda answer: answer.status == 302,
    ),
    EntryPoint(TOKEN, RESEARCHER, False, _token_login, lambda answer: answer.status == 200),
]


def lockout(findings: Findings, base: str, addresses: Addresses) -> None:
    suffix = secrets.token_hex(3)
    made: list[str] = []
    try:
        for entry in ENTRY_POINTS:
            username = f"sweep-{suffix}-{len(made)}"
            other = f"{username}-other"
            password = secrets.token_urlsafe(12)
            for name in (username, other):
                user = User.objects.create_user(name, password=password, is_staff=entry.staff)
                user.groups.add(Group.objects.get(name=entry.role))
                made.append(name)
            here, elsewhere = Session(base, addresses.next()), Session(base, addresses.next())
            before = entry.succeeded(entry.login(here, username, password))
            failures = []
            for _ in range(FAILURE_LIMIT):
                here.headers["X-Forwarded-For"] = forged()
                failures.append(entry.login(here, username, "wrong-" + password).status)
            here.headers["X-Forwarded-For"] = forged()
            locked = entry.login(here, username, password)
            elsewhere_answer = entry.login(elsewhere, username, password)
            same_address = entry.login(here, other, password)
            findings.add(
                "lockout",
                f"{entry.name}: right password after {FAILURE_LIMIT} failures (each with a new "
                "X-Forwarded-For); then from another address; then another user from the "
                "locked address",
                f"before: {'logged in' if before else 'refused'}; failures answered "
                f"{describe(Counter(failures))}; then {locked.status}, {elsewhere_answer.status}"
                f", {same_address.status}",
                before
                and locked.status == 429
                and elsewhere_answer.status == 429
                and same_address.status == 429,
            )
    finally:
        for address in addresses.handed_out:
            reset_lockouts(ip=address)
        for name in made:
            reset_lockouts(username=name)
        User.objects.filter(username__in=made).delete()
