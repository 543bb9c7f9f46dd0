"""One identity per person: the `speaker_id` of every published speech, resolved at publish
against everyone published before.

A person is known by their name, folded (NFKC, Simplified script, no spaces: "宮 鳴" and
"宫鸣" are one name), and by the orgs they were seen with. The first person published under a
name gets the name's own id, whatever org that speech gave; a later speech under that name is
the same person when it names no org, or an org that contains or is contained in one already
seen for them ("最高人民检察院" and "最高人民检察院检察委员会"). A speech naming an org that fits
none of the name's people is a namesake: another id, from the name and that org. Nothing in a
single article can link two orgs as one career, so a person who moves to another unit is a new
id until the text says otherwise — precision over recall, as for duplicates.

Ids never change once published: the registry is rebuilt from the published speeches, and a
speech's id is only ever looked up or added.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyarrow as pa

from pipeline.text.names import simplified


def name_key(name: str | None) -> str:
    """The folded name: "宮 鳴" → "宫鸣"."""
    return "".join(simplified(unicodedata.normalize("NFKC", name or "")).split()).replace("•", "·")


def org_key(org: str | None) -> str:
    return "".join(simplified(unicodedata.normalize("NFKC", org or "")).split())


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def name_id(name: str | None) -> str | None:
    """The id of the first person published under `name` (None for no name): the id a
    speech is staged with until publish resolves it (`SpeakerRegistry.resolve`)."""
    key = name_key(name)
    return _hash(key) if key else None


def _fits(org: str, orgs: set[str]) -> bool:
    return any(org in seen or seen in org for seen in orgs)


@dataclass
class _Person:
    speaker_id: str
    orgs: set[str] = field(default_factory=set)


class SpeakerRegistry:
    """The people published so far, by folded name; `resolve` gives a speech its speaker id."""

    def __init__(self, published: Iterable[tuple[str | None, str | None, str | None]] = ()):
        """`published`: (speaker_id, speaker_name, speaker_org) of every published speech."""
        self._people: dict[str, list[_Person]] = {}
        by_id: dict[str, _Person] = {}
        for speaker_id, name, org in published:
            key = name_key(name)
            if not speaker_id or not key:
                continue
            person = by_id.get(speaker_id)
            if person is None:
                person = by_id[speaker_id] = _Person(speaker_id)
                self._people.setdefault(key, []).append(person)
            if org_key(org):
                person.orgs.add(org_key(org))
        for key, people in self._people.items():  # the name's own id first: org-less speeches go to it
            people.sort(key=lambda person: (person.speaker_id != _hash(key), person.speaker_id))

    def resolve(self, name: str | None, org: str | None) -> str | None:
        key, org = name_key(name), org_key(org)
        if not key:
            return None
        people = self._people.setdefault(key, [])
        if not people:
            people.append(_Person(_hash(key), {org} if org else set()))
            return people[0].speaker_id
        if not org:
            return people[0].speaker_id
        for person in people:
            if _fits(org, person.orgs):
                person.orgs.add(org)
                return person.speaker_id
        for person in people:
            if not person.orgs:  # seen only without an org so far: this org is theirs
                person.orgs.add(org)
                return person.speaker_id
        namesake = _Person(_hash(f"{key}|{org}"), {org})
        people.append(namesake)
        return namesake.speaker_id


# The speech columns identity is resolved from.
IDENTITY_COLUMNS = ["speaker_id", "speaker_name", "speaker_org"]


def speaker_ids(published: pa.Table, batch: pa.Table) -> dict[str, str | None]:
    """speech_id → speaker_id for the `batch` of speeches about to be published, given the
    `published` speeches (IDENTITY_COLUMNS); the batch is resolved in publish order
    (publish time, then article and speech), so the same input always gives the same ids."""
    registry = SpeakerRegistry(zip(*(published.column(name).to_pylist() for name in IDENTITY_COLUMNS), strict=True))
    order = batch.select(["published_at", "article_id", "speech_index", "speech_id", "speaker_name", "speaker_org"]).to_pylist()
    order.sort(key=lambda row: (row["published_at"] is None, row["published_at"] or 0, row["article_id"], row["speech_index"]))
    return {row["speech_id"]: registry.resolve(row["speaker_name"], row["speaker_org"]) for row in order}


def with_speaker_ids(table: pa.Table, ids: dict[str, str | None]) -> pa.Table:
    """`table` (speeches or speech_terms) with its speaker_id column set from `ids`."""
    column = pa.array([ids.get(speech_id) for speech_id in table.column("speech_id").to_pylist()], pa.string())
    return table.set_column(table.schema.get_field_index("speaker_id"), table.schema.field("speaker_id"), column)
