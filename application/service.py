"""ProfileService: one method per command of domain.md, and the stateless helpers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any
from uuid import UUID, uuid4

from application.base import CommandApplication
from application.context import CommandContext
from application.errors import store_errors
from application.ports import CommandResult, EmailDirectory
from application.store import as_uuid
from application.writes import Prepared
from domain.errors import ProfileNotFound, RuleViolation
from domain.events import Meta
from domain.inputs import (
    AdditionalInfoInput,
    CardInput,
    ContactPatch,
    NewContact,
    PasswordChange,
    PreferencesPatch,
    Registration,
    Subscription,
    parse,
)
from domain.profile import Profile
from domain.sections.contact_information import email_key, normalise_email
from domain.sections.credit_card import card_brand_info, check_card
from domain.sections.newsletters import Decision, resolve_categories
from domain.sections.password import Strength, estimate_strength, generate_password
from domain.sections.registration import check_registration

Data = Mapping[str, Any]


class ProfileService(CommandApplication):
    """The profile service's commands and queries (secrets never enter a fingerprint)."""

    name = "profiles"

    # Commands
    def register(self, data: Registration | Data, ctx: CommandContext) -> CommandResult:
        reg = parse(Registration, data)
        with store_errors():
            return self._register(reg, ctx)

    def _register(self, reg: Registration, ctx: CommandContext) -> CommandResult:
        fingerprint = self.idempotency.fingerprint(ctx, "register", None, reg.model_dump())
        if (replayed := self.idempotency.replay(ctx, fingerprint)) is not None:
            return replayed
        try:
            fields = check_registration(reg)
        except RuleViolation as refusal:
            raise self._settled(ctx, fingerprint, refusal) from None
        password_hash = self.hasher.hash(reg.password)
        profile_id = uuid4()
        new_key = self.personal.new_key(profile_id) if self.personal is not None else None
        profile = Profile.register(fields, password_hash, self._meta(ctx), profile_id)
        try:
            return self._commit(profile, ctx, fingerprint, prepared=Prepared(new_key=new_key))
        except BaseException as failed:
            if self.personal is not None:  # its key was not recorded: no copy kept
                self.personal.forget(profile_id)
            if isinstance(failed, RuleViolation):  # email_taken, found as it is recorded
                raise self._settled(ctx, fingerprint, failed) from None
            raise

    def erase(self, profile_id: UUID, basis: str, ctx: CommandContext) -> CommandResult:
        """Forget the person (privacy.md): ProfileErased, their data key destroyed with their
        snapshots, card number and e-mail claim, in the event's transaction."""
        result = self._command(
            "erase", profile_id, ctx, {"basis": basis}, lambda p, m: p.erase(basis, m)
        )
        if self.personal is not None:
            self.personal.forget(as_uuid(profile_id))
        return result

    def change_contact(
        self, profile_id: UUID, data: ContactPatch | Data, ctx: CommandContext
    ) -> CommandResult:
        patch = parse(ContactPatch, data)
        return self._command(
            "change_contact",
            profile_id,
            ctx,
            patch.model_dump(exclude_unset=True),
            lambda p, m: p.change_contact(patch, m),
        )

    def change_additional_info(
        self, profile_id: UUID, data: AdditionalInfoInput | Data, ctx: CommandContext
    ) -> CommandResult:
        info = parse(AdditionalInfoInput, data)
        return self._command(
            "change_additional_info",
            profile_id,
            ctx,
            info.model_dump(exclude_unset=True),
            lambda p, m: p.change_additional_info(info, m),
        )

    def add_contact(
        self, profile_id: UUID, data: NewContact | Data, ctx: CommandContext
    ) -> CommandResult:
        contact = parse(NewContact, data)
        return self._command(
            "add_contact",
            profile_id,
            ctx,
            contact.model_dump(),
            lambda p, m: p.add_contact(contact, m),
        )

    def remove_contact(
        self, profile_id: UUID, contact_id: str, ctx: CommandContext
    ) -> CommandResult:
        return self._command(
            "remove_contact",
            profile_id,
            ctx,
            {"contact_id": contact_id},
            lambda p, m: p.remove_contact(contact_id, m),
        )

    def change_preferences(
        self, profile_id: UUID, data: PreferencesPatch | Data, ctx: CommandContext
    ) -> CommandResult:
        patch = parse(PreferencesPatch, data)
        return self._command(
            "change_preferences",
            profile_id,
            ctx,
            patch.model_dump(exclude_unset=True),
            lambda p, m: p.change_preferences(patch, m),
        )

    def change_password(
        self, profile_id: UUID, data: PasswordChange | Data, ctx: CommandContext
    ) -> CommandResult:
        change = parse(PasswordChange, data)
        return self._command(
            "change_password",
            profile_id,
            ctx,
            change.model_dump(),
            lambda p, m: p.change_password(change, self.hasher, m),
        )

    def register_card(
        self, profile_id: UUID, data: CardInput | Data, ctx: CommandContext
    ) -> CommandResult:
        card = parse(CardInput, data)
        number, brand, holder = check_card(card, self.accepted_brands, self.today())
        fingerprint = self.vault.fingerprint(number)
        sealed = self.vault.seal(number)  # kept only if the card is recorded under its token

        def act(profile: Profile, meta: Meta) -> None:
            current = profile.state["card"] or {}
            same = current.get("fingerprint") == fingerprint
            summary = {
                "token": current["token"] if same else sealed.token,
                "brand": brand,
                "last4": number[-4:],
                "exp_month": card.exp_month,
                "exp_year": card.exp_year,
                "holder_name": holder,
                "fingerprint": fingerprint,
            }
            profile.register_card(summary, meta)

        args = {**card.model_dump(exclude={"number"}), "fingerprint": fingerprint}
        return self._command("register_card", profile_id, ctx, args, act, Prepared(sealed))

    def remove_card(self, profile_id: UUID, confirm: bool, ctx: CommandContext) -> CommandResult:
        return self._command(
            "remove_card",
            profile_id,
            ctx,
            {"confirm": confirm},
            lambda p, m: p.remove_card(confirm, m),
        )

    def link_social(
        self, profile_id: UUID, network: str, url: str, ctx: CommandContext
    ) -> CommandResult:
        return self._command(
            "link_social",
            profile_id,
            ctx,
            {"network": network, "url": url},
            lambda p, m: p.link_social(network, url, m),
        )

    def unlink_social(self, profile_id: UUID, network: str, ctx: CommandContext) -> CommandResult:
        return self._command(
            "unlink_social",
            profile_id,
            ctx,
            {"network": network},
            lambda p, m: p.unlink_social(network, m),
        )

    def subscribe_newsletters(
        self, profile_id: UUID, data: Subscription | Data, ctx: CommandContext
    ) -> CommandResult:
        sub = parse(Subscription, data)
        categories = resolve_categories(sub.categories, self.categories)
        return self._command(
            "subscribe_newsletters",
            profile_id,
            ctx,
            sub.model_dump(),
            lambda p, m: p.subscribe(categories, sub.consent, m),
        )

    def unsubscribe_newsletters(self, profile_id: UUID, ctx: CommandContext) -> CommandResult:
        return self._command(
            "unsubscribe_newsletters", profile_id, ctx, {}, lambda p, m: p.unsubscribe(m)
        )

    # Queries
    def may_send(self, profile_id: UUID, kind: str) -> Decision:
        return self.get_profile(profile_id).may_send(kind, self.categories)

    def profile_holding(self, email: str) -> UUID:
        """The profile holding this e-mail address (normalised as registration does)."""
        key = email_key(normalise_email(email))
        directory = self.recorder if isinstance(self.recorder, EmailDirectory) else None
        owner = directory.email_owner(key) if directory is not None else None
        if owner is None:
            raise ProfileNotFound("with that e-mail address")
        return owner

    @staticmethod
    def password_strength(password: str, user_inputs: Sequence[str] = ()) -> Strength:
        return estimate_strength(password, user_inputs)

    @staticmethod
    def generate_password() -> str:
        return generate_password()

    @staticmethod
    def card_brand(partial: str) -> tuple[str | None, bool, bool]:
        return card_brand_info(partial)

    def today(self) -> date:
        return self.clock.now().date()
