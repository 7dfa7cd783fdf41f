"""Stand-ins for the read side until adapters/readside.py and application/history.py land."""

from __future__ import annotations

from typing import Any

from application.service import ProfileService
from features.drivers import Recorded

META = {"originator_id", "originator_version", "timestamp", "actor", "correlation_id", "idempotency_key"}


def view(service: ProfileService, profile_id: str) -> dict[str, Any]:
    p = service.get_profile(profile_id)
    holder = {
        "contact_id": "holder",
        "name": f"{p.first_name} {p.last_name}",
        "email": p.email,
        "phone": p.phone,
        "roles": ["billing", "whois"],
    }
    return {
        "profile_id": str(p.id),
        "version": p.version,
        "first_name": p.first_name,
        "last_name": p.last_name,
        "email": p.email,
        "phone": p.phone,
        "address": dict(p.address),
        "additional_info": dict(p.additional_info),
        "contacts": [holder] + [{"contact_id": k, **v} for k, v in p.contacts.items()],
        "preferences": dict(p.preferences),
        "card": None if p.card is None else {k: p.card[k] for k in ("brand", "last4", "exp_month", "exp_year", "holder_name")},
        "social": dict(p.social),
        "newsletters": {"categories": sorted(p.newsletters), "consents": dict(p.newsletters), "unsubscribed_at": p.unsubscribed_at},
    }


def audit(service: ProfileService) -> list[Recorded]:
    out = []
    for n in service.recorder.select_notifications(1, 10000):
        e = service.mapper.to_domain_event(n)
        data = {k: v for k, v in e.__dict__.items() if k not in META and k != "password_hash"}
        for key in ("card", "old_card"):
            if key in data:
                data[key] = {k: v for k, v in data[key].items() if k not in ("token", "fingerprint")}
        changes = data.get("changes") if isinstance(data.get("changes"), dict) else data
        out.append(
            Recorded(
                name=type(e).__name__,
                version=e.originator_version,
                at=e.timestamp.isoformat(),
                actor=e.actor,
                correlation_id=e.correlation_id,
                changes={k: (None, v) for k, v in changes.items()},
                position=n.id,
                profile_id=str(e.originator_id),
            )
        )
    return out
