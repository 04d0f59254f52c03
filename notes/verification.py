"""Verifying an issued note: is it authentic, and what changed since its issue.

Authentic means the stored snapshot still hashes to the stored SHA-256 and the
server key's signature covers that hash and the note's reference. What changed
is found by composing the note again today, for the same subject geometry, and
comparing the two contents.
"""

from __future__ import annotations

import dataclasses
import json

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.i18n import number_text
from documents import signing as keys
from documents.details import Details
from notes import signing
from notes.compose import Moment, note_compose
from notes.models import Note
from notes.subjects import Subject


@dataclasses.dataclass(frozen=True)
class Verification:
    """What the verification page says about a note."""

    hash_matches: bool
    signature_valid: bool
    changes: list[str]  # what the planning says differently today, translated
    current: dict | None  # the content recomputed today

    @property
    def authentic(self) -> bool:
        return self.hash_matches and self.signature_valid


def note_verify(note, *, recompute: bool = True) -> Verification:
    """Check a note's hash and signature; compare its content with today's.

    The comparison recomputes the content now for the same subject geometry and
    lists, in the active language, what changed: zones, their areas and rules,
    overlays, documents in force and layer versions.
    """
    hash_matches = keys.sha256_hex(note.snapshot) == note.sha256
    signature_valid = signing.verify(
        note.reference,
        note.sha256,
        note.signature,
        key_id=note.key_id,
        signed_at=note.issued_at,
    )
    if not recompute:
        return Verification(hash_matches, signature_valid, [], None)
    subject = Subject(
        kind=note.kind,
        geom=note.geom,
        agency=note.agency,
        srid=note.agency.srid,
    )
    current = note_compose(subject=subject, moment=Moment.of())
    return Verification(
        hash_matches,
        signature_valid,
        content_changes(note.content, current),
        current,
    )


@dataclasses.dataclass(frozen=True)
class NotesCheck:
    """Every issued note verified again: how many, which fail and why."""

    count: int
    failed: tuple[str, ...]  # "<reference>: <reason>", in English for operators
    key_id: str  # the key this server verifies with

    @property
    def all_authentic(self) -> bool:
        return not self.failed


def note_document_details(document) -> Details | None:
    """What a note adds to document-e's verification page: whether its
    content is intact and what the planning in force says differently today
    (``note_verify``). None when the registry names no note of this portal."""
    note = (
        Note.objects.select_related("agency")
        .filter(reference=document.subject_reference)
        .first()
    )
    if note is None:
        return None
    verification = note_verify(note)
    return Details(
        authentic=verification.authentic and note.sha256 == document.content_sha256,
        heading=_("Verification of a note"),
        template="notes/_verify_document.html",
        context={"note": note, "verification": verification},
        data={
            "reference": note.reference,
            "subject": note.content["subject"].get("reference") or "",
            "as_of": note.as_of.isoformat(),
            "content_authentic": verification.authentic,
            "planning_changed": bool(verification.changes),
            "changes": verification.changes,
        },
    )


def notes_verify_all() -> NotesCheck:
    """Check the hash and signature of every issued note with the key each
    names, current or retired (after a restore, a key change, an upgrade).
    Returns a NotesCheck."""
    failed = []
    count = 0
    for note in Note.objects.order_by("pk").iterator():
        count += 1
        verification = note_verify(note, recompute=False)
        if not verification.hash_matches:
            failed.append(f"{note.reference}: the snapshot does not match its SHA-256")
        elif not verification.signature_valid:
            failed.append(
                f"{note.reference}: the signature does not verify with this "
                f"server's keys (signed with key {note.key_id})"
            )
    return NotesCheck(count=count, failed=tuple(failed), key_id=keys.key_id())


def content_changes(old: dict, new: dict) -> list[str]:
    """What differs between two contents, as sentences in the active language."""
    language = get_language()
    changes = []

    def zones(content: dict) -> dict:
        return {(z["layer"], z["code"]): z for z in content.get("zones", [])}

    before, after = zones(old), zones(new)
    for key in sorted(before.keys() - after.keys()):
        changes.append(
            _("Zone %(code)s no longer applies to this land.") % {"code": key[1]}
        )
    for key in sorted(after.keys() - before.keys()):
        area = number_text(after[key]["area_m2"], language)
        if _whole(after[key]):
            message = _("Zone %(code)s now applies to the whole of this land.")
        else:
            message = _("Zone %(code)s now applies to part of this land (%(area)s m²).")
        changes.append(message % {"code": key[1], "area": area})
    for key in sorted(before.keys() & after.keys()):
        old_zone, new_zone = before[key], after[key]
        if abs(old_zone["area_m2"] - new_zone["area_m2"]) > 0.01:
            changes.append(
                _("Zone %(code)s now covers %(new)s m² of this land (was %(old)s m²).")
                % {
                    "code": key[1],
                    "new": number_text(new_zone["area_m2"], language),
                    "old": number_text(old_zone["area_m2"], language),
                }
            )
        if _rules_key(old_zone.get("rules")) != _rules_key(new_zone.get("rules")):
            changes.append(
                _("The rules of zone %(code)s have changed.") % {"code": key[1]}
            )

    def overlays(content: dict) -> dict:
        return {
            (o["layer"], o["code"], o.get("label_fr", "")): o
            for o in content.get("overlays", [])
        }

    before_o, after_o = overlays(old), overlays(new)
    for key in sorted(before_o.keys() - after_o.keys()):
        changes.append(
            _("The prescription “%(label)s” no longer affects this land.")
            % {"label": before_o[key]["label"] or key[1]}
        )
    for key in sorted(after_o.keys() - before_o.keys()):
        changes.append(
            _("A new prescription affects this land: “%(label)s”.")
            % {"label": after_o[key]["label"] or key[1]}
        )

    def documents(content: dict) -> dict:
        return {d["reference"]: d for d in content.get("documents", [])}

    before_d, after_d = documents(old), documents(new)
    for reference in sorted(before_d.keys() - after_d.keys()):
        changes.append(
            _("The document %(reference)s is no longer in force.")
            % {"reference": reference}
        )
    for reference in sorted(after_d.keys() - before_d.keys()):
        changes.append(
            _("The document %(reference)s has come into force.")
            % {"reference": reference}
        )
    # An article the note quoted that reads otherwise today (an amendment, a
    # repeal); one cited or no longer cited is a change of the zone's rules.
    before_a = {a["reference"]: a for a in old.get("articles", [])}
    after_a = {a["reference"]: a for a in new.get("articles", [])}
    for reference in sorted(before_a.keys() & after_a.keys()):
        if _wording_key(before_a[reference]) != _wording_key(after_a[reference]):
            changes.append(
                _("%(article)s reads differently now.")
                % {"article": after_a[reference]["label"]}
            )
    old_versions = {
        (v["document"], v["layer"], v["version"]) for v in old.get("layer_versions", [])
    }
    new_versions = {
        (v["document"], v["layer"], v["version"]) for v in new.get("layer_versions", [])
    }
    if old_versions != new_versions and not changes:
        changes.append(
            _(
                "New versions of the planning layers have been published; what "
                "they state about this land is unchanged."
            )
        )
    return changes


def _wording_key(article: dict) -> tuple:
    return (article["body_fr"], article["body_ar"], article.get("repealed", False))


def _whole(zone: dict) -> bool:
    """Whether a zone covers all the land, as the note's shares print (2 decimals)."""
    return round(zone["share"], 2) >= 100


def _rules_key(rules: dict | None) -> str:
    if rules is None:
        return ""
    # Labels are translations of the codes: compare what the regulation says.
    # Notes issued before rules cited the library have no "citations": none.
    comparable = {
        key: value
        for key, value in rules.items()
        if key not in {"allowed_uses", "forbidden_uses"}
        and not (key == "citations" and not value)
    }
    comparable["uses"] = [
        [use["code"] for use in rules.get("allowed_uses", [])],
        [use["code"] for use in rules.get("forbidden_uses", [])],
    ]
    return json.dumps(comparable, sort_keys=True)
