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


# The columns identity is resolved from, in speeches and quotes alike.
IDENTITY_COLUMNS = ["speaker_id", "speaker_name", "speaker_org"]
# Each table whose rows name a speaker: its row id and its order within an article.
STATEMENT_TABLES = {"speeches": ("speech_id", "speech_index"), "quotes": ("quote_id", "quote_index")}


def registry_of(published: list[pa.Table]) -> SpeakerRegistry:
    """The registry of everyone in the `published` speeches and quotes (IDENTITY_COLUMNS)."""
    return SpeakerRegistry(row for table in published
                           for row in zip(*(table.column(name).to_pylist() for name in IDENTITY_COLUMNS), strict=True))


def speaker_ids(registry: SpeakerRegistry, table: str, batch: pa.Table) -> dict[str, str | None]:
    """Row id → speaker_id for a `batch` of `table` (speeches or quotes) about to be published,
    resolved in publish order (publish time, then article and row), so the same input always
    gives the same ids. Quotes of offices and organisations name no person: no id."""
    row_id, index = STATEMENT_TABLES[table]
    person = "speaker_kind" not in batch.column_names
    columns = ["published_at", "article_id", index, row_id, "speaker_name", "speaker_org", *([] if person else ["speaker_kind"])]
    order = batch.select(columns).to_pylist()
    order.sort(key=lambda row: (row["published_at"] is None, row["published_at"] or 0, row["article_id"], row[index]))
    return {row[row_id]: registry.resolve(row["speaker_name"], row["speaker_org"]) if person or row["speaker_kind"] == "person" else None
            for row in order}


def with_speaker_ids(table: pa.Table, ids: dict[str, str | None], row_id: str) -> pa.Table:
    """`table` with its speaker_id column set from `ids`, by `row_id` (speech_id or quote_id)."""
    column = pa.array([ids.get(value) for value in table.column(row_id).to_pylist()], pa.string())
    return table.set_column(table.schema.get_field_index("speaker_id"), table.schema.field("speaker_id"), column)
