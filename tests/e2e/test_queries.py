"""Every query, helper and health endpoint of api.md through a real HTTP client, on both stores."""

from __future__ import annotations

from uuid import UUID, uuid4

from tests.e2e.support import CARD, CONSENT, Api
from tests.support import unique_email


def _change_email(api: Api, profile_id: UUID, email: str) -> int:
    response = api.client.patch(f"/v1/profiles/{profile_id}/contact", json={"email": email})
    assert response.status_code == 200, response.text
    return int(response.json()["version"])


def test_reads_its_own_write_with_min_version(api: Api):
    profile_id = api.register()
    mine = unique_email("read.mine")
    version = _change_email(api, profile_id, mine)
    response = api.client.get(f"/v1/profiles/{profile_id}", params={"min_version": version})
    view = response.json()
    assert response.status_code == 200
    assert view["version"] == version
    assert view["email"] == mine
    assert response.headers["ETag"] == f'"{version}"'


def test_the_view_shows_the_card_summary_only_and_never_a_secret(api: Api):
    profile_id = api.register()
    version = api.client.put(f"/v1/profiles/{profile_id}/card", json=CARD).json()["version"]
    response = api.client.get(f"/v1/profiles/{profile_id}", params={"min_version": version})
    assert response.json()["card"] == {
        "brand": "visa",
        "last4": "1111",
        "exp_month": 12,
        "exp_year": 2031,
        "holder_name": "Marie Tremblay",
    }
    for secret in ("4111111111111111", "token", "fingerprint", "password", "argon2"):
        assert secret not in response.text


def test_rebuilds_the_profile_as_it_was_at_a_version_and_at_an_instant(api: Api):
    clock = api.container.service.clock
    before = unique_email("before")
    profile_id = api.register(email=before)
    registered_at = clock.now()
    clock.advance(hours=1)
    _change_email(api, profile_id, unique_email("after"))
    at_version = api.client.get(f"/v1/profiles/{profile_id}", params={"version": 1})
    at_instant = api.client.get(
        f"/v1/profiles/{profile_id}", params={"as_of": registered_at.isoformat()}
    )
    assert at_version.json()["email"] == before
    assert at_version.headers["ETag"] == '"1"'
    assert at_instant.json()["email"] == before
    assert at_instant.json()["version"] == 1


def test_answers_404_before_registration_or_beyond_the_last_version(api: Api):
    clock = api.container.service.clock
    profile_id = api.register()
    too_early = api.client.get(
        f"/v1/profiles/{profile_id}", params={"as_of": "2000-01-01T00:00:00Z"}
    )
    too_late = api.client.get(f"/v1/profiles/{profile_id}", params={"version": 99})
    unknown = api.client.get(f"/v1/profiles/{uuid4()}")
    assert clock.now().year > 2000
    assert too_early.status_code == too_late.status_code == 404
    assert too_late.json()["code"] == "version_not_found"
    assert unknown.json()["code"] == "profile_not_found"


def test_refuses_two_moments_at_once(api: Api):
    profile_id = api.register()
    response = api.client.get(
        f"/v1/profiles/{profile_id}", params={"version": 1, "as_of": "2026-01-01T00:00:00Z"}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "validation_error"


def test_reads_a_profiles_audit_trail_by_pages_and_section(api: Api):
    profile_id = api.register()
    one, two = unique_email("one"), unique_email("two")
    _change_email(api, profile_id, one)
    version = _change_email(api, profile_id, two)
    api.client.get(f"/v1/profiles/{profile_id}", params={"min_version": version})
    first = api.client.get(f"/v1/profiles/{profile_id}/audit", params={"limit": 2}).json()
    rest = api.client.get(
        f"/v1/profiles/{profile_id}/audit", params={"after": first["next_after"]}
    ).json()
    contact = api.client.get(
        f"/v1/profiles/{profile_id}/audit", params={"section": "contact"}
    ).json()
    assert [e["version"] for e in first["entries"]] == [1, 2]
    assert [e["version"] for e in rest["entries"]] == [3]
    assert rest["next_after"] is None
    assert [e["event"] for e in contact["entries"]] == ["ContactChanged", "ContactChanged"]
    assert contact["entries"][-1]["changes"] == [
        {"field": "email", "before": one, "after": two}
    ]


def test_masks_the_password_in_the_audit_trail(api: Api):
    from tests.support import OTHER_STRONG_PASSWORD, STRONG_PASSWORD

    profile_id = api.register()
    changed = api.client.post(
        f"/v1/profiles/{profile_id}/password",
        json={"current_password": STRONG_PASSWORD, "new_password": OTHER_STRONG_PASSWORD},
    )
    api.client.get(f"/v1/profiles/{profile_id}", params={"min_version": changed.json()["version"]})
    audit = api.client.get(f"/v1/profiles/{profile_id}/audit", params={"section": "password"})
    assert audit.json()["entries"][0]["changes"] == [
        {"field": "password", "before": None, "after": "changed"}
    ]
    assert STRONG_PASSWORD not in audit.text and "argon2" not in audit.text


def test_an_unknown_profile_has_no_audit_trail(api: Api):
    response = api.client.get(f"/v1/profiles/{uuid4()}/audit")
    assert response.status_code == 404


def test_follows_every_profiles_audit_entries_in_recorded_order(api: Api):
    start = api.read_side.head()
    first = api.register()
    second = api.register()
    version = _change_email(api, first, unique_email("follow"))
    api.client.get(f"/v1/profiles/{first}", params={"min_version": version})
    api.client.get(f"/v1/profiles/{second}", params={"min_version": 1})
    mine: list[dict] = []
    after: int | None = start
    pages = 0
    while after is not None:  # other tests may write to a shared store meanwhile
        page = api.client.get("/v1/audit", params={"after": after, "limit": 2}).json()
        mine.extend(e for e in page["entries"] if e["profile_id"] in (str(first), str(second)))
        after, pages = page["next_after"], pages + 1
    positions = [e["position"] for e in mine]
    assert [e["profile_id"] for e in mine] == [str(first), str(second), str(first)]
    assert positions == sorted(positions) and positions[0] > start
    assert pages >= 2


def test_answers_whether_a_message_kind_may_be_sent(api: Api):
    profile_id = api.register()
    subscribed = api.client.put(
        f"/v1/profiles/{profile_id}/newsletters", json={"categories": ["news"], "consent": CONSENT}
    )
    api.client.get(
        f"/v1/profiles/{profile_id}", params={"min_version": subscribed.json()["version"]}
    )
    base = f"/v1/profiles/{profile_id}/communications"
    news = api.client.get(f"{base}/newsletter:news").json()
    offers = api.client.get(f"{base}/newsletter:offers").json()
    invoice = api.client.get(f"{base}/invoice").json()
    bad_kind = api.client.get(f"{base}/carrier-pigeon")
    assert news["allowed"] is True and "news" in news["reason"]
    assert offers["allowed"] is False
    assert invoice["allowed"] is True
    assert bad_kind.status_code == 400


def test_refuses_a_malformed_message_kind_for_an_erased_profile_too(api: Api):
    profile_id = api.register()
    erased = api.call("DELETE", f"/v1/profiles/{profile_id}", json={"basis": "customer_request"})
    assert erased.status_code == 200, erased.text
    gone = api.client.get(f"/v1/profiles/{profile_id}", params={"min_version": 2})  # the view too
    assert gone.status_code == 410
    base = f"/v1/profiles/{profile_id}/communications"
    assert api.client.get(f"{base}/invoice").json() == {
        "allowed": False, "reason": "profile_erased"
    }
    assert api.client.get(f"{base}/carrier-pigeon").status_code == 400
    unknown = api.client.get(f"{base}/newsletter:carrier-pigeon")
    assert (unknown.status_code, unknown.json()["code"]) == (422, "unknown_newsletter_category")


def test_lists_a_categorys_audience_by_pages(api: Api):
    ids = sorted(str(api.register()) for _ in range(3))
    for profile_id in ids:
        version = api.client.put(
            f"/v1/profiles/{profile_id}/newsletters",
            json={"categories": ["tips"], "consent": CONSENT},
        ).json()["version"]
        api.client.get(f"/v1/profiles/{profile_id}", params={"min_version": version})
    seen: list[str] = []
    after = None
    while True:
        page = api.client.get(
            "/v1/newsletters/tips/audience",
            params={"limit": 2, **({"after": after} if after else {})},
        ).json()
        seen.extend(page["profile_ids"])
        after = page["next_after"]
        if after is None:
            break
    unknown = api.client.get("/v1/newsletters/gossip/audience")
    assert set(ids) <= set(seen)
    assert seen == sorted(seen)
    assert unknown.status_code == 422
    assert unknown.json()["code"] == "unknown_newsletter_category"


def test_estimates_password_strength_with_the_profiles_words_as_context(api: Api):
    inputs = ["Marie", "Tremblay", "marie.tremblay@example.com"]
    alone = api.client.post("/v1/password/strength", json={"password": "marie.tremblay1"}).json()
    in_context = api.client.post(
        "/v1/password/strength", json={"password": "marie.tremblay1", "user_inputs": inputs}
    ).json()
    assert alone["strong"] is True
    assert in_context["strong"] is False and in_context["feedback"]
    assert in_context["score"] < alone["score"]


def test_generates_a_strong_password_that_the_estimator_accepts(api: Api):
    generated = api.client.post("/v1/password/generate").json()["password"]
    check = api.client.post("/v1/password/strength", json={"password": generated}).json()
    assert len(generated) >= 12
    assert check["strong"] is True


def test_detects_a_card_brand_while_typing(api: Api):
    partial = api.client.post("/v1/cards/brand", json={"number": "5555 55"}).json()
    complete = api.client.post("/v1/cards/brand", json={"number": "378282246310005"}).json()
    assert partial == {"brand": "mastercard", "complete": False, "luhn_valid": False}
    assert complete == {"brand": "amex", "complete": True, "luhn_valid": True}


def test_liveness_and_readiness_need_no_token(api: Api):
    live = api.client.get("/healthz", headers={"Authorization": ""})
    ready = api.client.get("/readyz", headers={"Authorization": ""})
    assert live.json() == {"status": "ok"}
    assert ready.status_code == 200
    assert ready.json()["store"] == "ok"
    assert {p["name"] for p in ready.json()["projections"]} >= {"profile_view", "audit_trail"}
