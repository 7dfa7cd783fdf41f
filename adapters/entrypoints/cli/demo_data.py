"""Sample customers for `demo`: small built-in lists and a history played through the service."""

from __future__ import annotations

import random
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any
from uuid import UUID, uuid4

from application.context import CommandContext
from application.errors import StoreUnavailable
from application.ports import Clock, CommandResult
from application.service import ProfileService
from domain.errors import DomainError

PATIENCE_SECONDS = 30.0  # how long a command waits for a busy store before demo stops
FIRST_NAMES = ("Marie", "Jean", "Sophie", "Olivier", "Chloé", "Mathieu", "Léa", "Gabriel",
               "Emma", "Noah", "Camille", "Louis", "Alice", "Hugo", "Sarah", "Thomas",
               "Amélie", "Félix", "Julia", "Samuel", "Nadia", "Karim", "Mei", "Diego")
LAST_NAMES = ("Tremblay", "Gagnon", "Roy", "Côté", "Bouchard", "Gauthier", "Morin", "Lavoie",
              "Fortin", "Gagné", "Martin", "Bernard", "Dubois", "Lefebvre", "Smith", "Nguyen",
              "Peeters", "Müller", "Rossi", "García", "Haddad", "O'Brien")
# (city, region, postal code, country, phone): postal codes and phones valid in their country.
PLACES = (
    ("Montréal", "QC", "H3B 1K9", "CA", "+1 514 555 0123"),
    ("Québec", "QC", "G1R 4P5", "CA", "+1 418 555 0147"),
    ("Gatineau", "QC", "J8X 3X7", "CA", "+1 819 555 0168"),
    ("Toronto", "ON", "M5V 2T6", "CA", "+1 416 555 0190"),
    ("Ottawa", "ON", "K1P 1J1", "CA", "+1 613 555 0112"),
    ("Vancouver", "BC", "V6B 1A1", "CA", "+1 604 555 0175"),
    ("Boston", "MA", "02108", "US", "+1 617 555 0134"),
    ("New York", "NY", "10001-2345", "US", "+1 212 555 0156"),
    ("Paris", None, "75011", "FR", "+33 1 42 68 53 00"),
    ("Lyon", None, "69002", "FR", "+33 4 78 42 10 10"),
    ("Bruxelles", None, "1000", "BE", "+32 2 512 34 56"),
    ("Genève", "GE", "1201", "CH", "+41 22 310 12 34"),
    ("London", None, "SW1A 1AA", "GB", "+44 20 7946 0123"),
)
STREETS = ("rue Sainte-Catherine", "boulevard Saint-Laurent", "avenue du Parc", "rue Principale",
           "chemin du Lac", "Main Street", "rue de la Paix", "avenue Louise", "High Street")
COMPANIES = (
    ("Érable Numérique inc.", "123456782RT0001"),  # Canadian GST/HST number
    ("Boulangerie Côté", "1234567890TQ0001"),  # Quebec QST number
    ("Atelier Lumière SARL", "FR40303265045"),
    ("Brusselse Webdiensten", "BE0403170701"),
    ("Nordlicht Hosting GmbH", "DE136695976"),
    ("Maple Pixel Studio", None),
)
JOB_TITLES = ("Développeuse", "Webmaster", "Owner", "CTO", "Office manager", "Consultant")
CARDS = (("visa", "4111 1111 1111 1111"), ("mastercard", "5555 5555 5555 4444"),
         ("amex", "3782 822463 10005"), ("visa", "4012 8888 8888 1881"))
SOCIAL = {
    "facebook": "https://www.facebook.com/{handle}",
    "twitter": "https://x.com/{handle}",
    "linkedin": "https://www.linkedin.com/in/{handle}",
    "signal": "https://signal.me/#eu/{handle}",
}
CATEGORIES = ("news", "offers", "product_updates", "tips")
SUPPORT_AGENTS = ("support:agent-ana", "support:agent-marc", "support:agent-li")


class DemoClock(Clock):
    """A clock the demo moves by hand, so histories spread over past months."""

    def __init__(self) -> None:
        self.current = datetime.now(UTC)

    def now(self) -> datetime:
        return self.current


@dataclass
class DemoProfile:
    """Plays one customer's registration and a varied history through the service."""

    service: ProfileService
    clock: DemoClock
    rng: random.Random
    spread_days: int
    index: int
    customer: str = field(init=False)
    name: str = field(init=False)
    handle: str = field(init=False)
    password: str = field(init=False)
    profile_id: UUID = field(init=False)

    def play(self) -> tuple[UUID, int]:
        """Register the customer and play a history over every section; (id, events)."""
        rng, now = self.rng, datetime.now(UTC)
        self.clock.current = now - timedelta(days=rng.uniform(0.6, 1.0) * self.spread_days)
        self.customer = f"customer:{rng.randint(100_000, 999_999)}"
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        self.name, place = f"{first} {last}", rng.choice(PLACES)
        self.handle = _ascii(f"{first}.{last}{self.index}").lower()
        self.password = self.service.generate_password()
        data = self._registration(first, last, place)
        result = self._do(lambda ctx: self.service.register(data, ctx), self.customer)
        assert result is not None
        self.profile_id = UUID(result.profile_id)
        steps = [self._contact, self._business, self._contacts, self._preferences,
                 self._password, self._card, self._social, self._newsletters]
        rng.shuffle(steps)
        for step in steps + rng.sample(steps, k=rng.randint(0, 3)):
            self._later(now)
            step()
        return self.profile_id, self.service.get_profile(self.profile_id).version

    def _registration(self, first: str, last: str, place: tuple[Any, ...]) -> dict[str, Any]:
        city, region, postal_code, country, phone = place
        return {
            "first_name": first, "last_name": last,
            "email": f"{self.handle}@example.{self.rng.choice(('com', 'ca', 'org'))}",
            "phone": phone if self.rng.random() < 0.8 else None,
            "address": {"line1": f"{self.rng.randint(1, 9999)} {self.rng.choice(STREETS)}",
                        "city": city, "region": region, "postal_code": postal_code,
                        "country": country},
            "language": "en" if country in ("US", "GB") or self.rng.random() < 0.3 else "fr",
            "password": self.password,
        }

    def _ctx(self, actor: str | None = None) -> CommandContext:
        return CommandContext(
            actor=actor or self.customer,
            correlation_id=str(uuid4()),
            idempotency_key=f"demo-{uuid4()}",
        )

    def _actor(self) -> str:
        roll = self.rng.random()
        if roll < 0.7:
            return self.customer
        return self.rng.choice(SUPPORT_AGENTS) if roll < 0.9 else "service:billing"

    def _later(self, limit: datetime) -> None:
        if self.spread_days == 0:
            self.clock.current = max(self.clock.current, datetime.now(UTC))
            return
        step = timedelta(hours=self.rng.uniform(1, 2 * self.spread_days))
        self.clock.current = max(
            self.clock.current, min(self.clock.current + step, limit - timedelta(seconds=1))
        )

    def _do(self, step: Callable[[CommandContext], CommandResult], actor: str | None = None,
            *, refused: str | None = None) -> CommandResult | None:
        """Run one command; `refused` names the refusal it expects (part of the story)."""
        if self.spread_days:
            self.clock.current += timedelta(seconds=self.rng.uniform(5, 300))
        ctx = self._ctx(actor or self._actor())
        deadline = time.monotonic() + PATIENCE_SECONDS
        while True:
            try:
                return step(ctx)
            except DomainError as error:
                if refused is not None and error.code == refused:
                    return None
                raise
            except StoreUnavailable:  # wait for a busy store: the key makes the retry safe
                if time.monotonic() > deadline:
                    raise

    def _contact(self) -> None:
        s, p, rng = self.service, self.profile_id, self.rng
        city, region, postal_code, country, phone = rng.choice(PLACES)
        address = {"line1": f"{rng.randint(1, 9999)} {rng.choice(STREETS)}", "city": city,
                   "region": region, "postal_code": postal_code, "country": country}
        self._do(lambda c: s.change_contact(p, {"address": address, "phone": phone}, c))
        if rng.random() < 0.5:
            email = f"{self.handle}.{rng.randint(2, 99)}@example.net"
            self._do(lambda c: s.change_contact(p, {"email": email}, c))

    def _business(self) -> None:
        s, p, rng = self.service, self.profile_id, self.rng
        company, vat = rng.choice(COMPANIES)
        slug = _ascii(company.split()[0]).lower()
        info = {"company": company, "vat_number": vat, "job_title": rng.choice(JOB_TITLES),
                "website": f"https://www.{slug}.example.com"}
        self._do(lambda c: s.change_additional_info(p, info, c))

    def _contacts(self) -> None:
        s, p, rng = self.service, self.profile_id, self.rng
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        contact = {"name": name, "email": f"{_ascii(name).replace(' ', '.').lower()}@example.com",
                   "roles": rng.sample(["billing", "whois"], k=rng.randint(1, 2))}
        added = self._do(lambda c: s.add_contact(p, contact, c))
        if added is not None and added.contact_id and rng.random() < 0.3:
            contact_id = added.contact_id
            self._do(lambda c: s.remove_contact(p, contact_id, c))
        elif added is not None and added.contact_id:
            billing = {"billing_contact_id": added.contact_id}
            self._do(lambda c: s.change_preferences(p, billing, c))

    def _preferences(self) -> None:
        s, p, rng = self.service, self.profile_id, self.rng
        patch = {"communication_channel": rng.choice(("email", "sms", "phone")),
                 "pdf_invoices": rng.random() < 0.5, "domain_suggestions": rng.random() < 0.4,
                 "language": rng.choice(("fr", "en"))}
        self._do(lambda c: s.change_preferences(p, patch, c))

    def _password(self) -> None:
        s, p = self.service, self.profile_id
        if self.rng.random() < 0.3:
            wrong = {"current_password": "not-the-password", "new_password": self.password}
            self._do(lambda c: s.change_password(p, wrong, c), self.customer,
                     refused="wrong_password")
        new = s.generate_password()
        change = {"current_password": self.password, "new_password": new}
        if self._do(lambda c: s.change_password(p, change, c), self.customer) is not None:
            self.password = new

    def _card(self) -> None:
        s, p, rng = self.service, self.profile_id, self.rng
        for _ in range(rng.randint(1, 2)):
            _, number = rng.choice(CARDS)
            card = {"holder_name": self.name, "number": number,
                    "exp_month": rng.randint(1, 12), "exp_year": self.clock.now().year + 3}
            self._do(partial(s.register_card, p, card), "service:billing")
        if rng.random() < 0.2:
            self._do(lambda c: s.remove_card(p, True, c), self.customer)

    def _social(self) -> None:
        s, p, rng = self.service, self.profile_id, self.rng
        networks = rng.sample(sorted(SOCIAL), k=rng.randint(1, 3))
        for network in networks:
            url = SOCIAL[network].format(handle=self.handle.replace(".", ""))
            self._do(partial(s.link_social, p, network, url))
        if rng.random() < 0.3:
            self._do(lambda c: s.unlink_social(p, networks[0], c))

    def _newsletters(self) -> None:
        s, p, rng = self.service, self.profile_id, self.rng
        chosen = ["all"] if rng.random() < 0.2 else rng.sample(CATEGORIES, k=rng.randint(1, 3))
        consent = {"channel": rng.choice(("portal", "api", "support")), "text_version": "2025-09",
                   "language": rng.choice(("fr", "en"))}
        subscription = {"categories": chosen, "consent": consent}
        self._do(lambda c: s.subscribe_newsletters(p, subscription, c))
        if rng.random() < 0.25:
            self._do(lambda c: s.unsubscribe_newsletters(p, c))


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if ch.isascii() and (ch.isalnum() or ch in ". "))
