"""The paper notes that code and docs cite live in the repository (``docs/papers/``).

Every pointer ``docs/papers/NAME.md`` (optionally followed by ``§N`` or ``§N.M``) in the
package, experiments, figure scripts, proof checks, benchmarks, tests, notebooks and README
names an existing note, and the cited section is a heading of that note. Nothing points
outside the repository (the team's private reference folder).
"""
from __future__ import annotations

import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[2]
PAPERS = ROOT / "docs" / "papers"
#: The private reference folder's path, spelled so that this file does not itself point there.
PRIVATE = "/".join(("shared", "reference"))
SCANNED = ["mdpsim", "experiments", "paper_figs", "proofs_checks", "benchmarks", "tests",
           "notebooks", "docs", "README.md"]
POINTER = re.compile(r"docs/papers/([A-Za-z_]+\.md)`{0,2}\s*(?:§\s*(\d+(?:\.\d+)?))?")
SELF = pathlib.Path(__file__).resolve()


def _files():
    for name in SCANNED:
        p = ROOT / name
        if p.is_file():
            yield p
        elif p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.suffix in (".py", ".md", ".rst") and "_build" not in f.parts \
                        and f.resolve() != SELF:
                    yield f


def _sections(note: pathlib.Path) -> set[str]:
    heads = re.findall(r"^#{2,4}\s+(\d+(?:\.\d+)?)[.\s]", note.read_text(), flags=re.M)
    return set(heads)


def test_no_pointer_outside_the_repository():
    bad = [f"{f.relative_to(ROOT)}:{i}" for f in _files()
           for i, line in enumerate(f.read_text(errors="replace").splitlines(), 1)
           if PRIVATE in line]
    assert not bad, f"pointers to {PRIVATE} (not in the repository): {bad}"


def test_every_cited_note_and_section_exists():
    cited = 0
    problems = []
    for f in _files():
        for i, line in enumerate(f.read_text(errors="replace").splitlines(), 1):
            for name, sec in POINTER.findall(line):
                cited += 1
                note = PAPERS / name
                if not note.is_file():
                    problems.append(f"{f.relative_to(ROOT)}:{i}: no note {name}")
                elif sec and sec not in _sections(note):
                    problems.append(f"{f.relative_to(ROOT)}:{i}: {name} has no section §{sec}")
    assert not problems, "\n".join(problems)
    assert cited >= 10          # the code does cite the notes


def test_notes_carry_provenance_tags():
    for note in sorted(PAPERS.glob("*.md")):
        text = note.read_text()
        if note.name == "README.md":
            for tag in ("[V]", "[R]", "[P]", "[S]"):
                assert f"**{tag}**" in text
        else:
            assert re.search(r"\[(V|V-src|V-code|V-num|R|P|S)\]", text), note.name
