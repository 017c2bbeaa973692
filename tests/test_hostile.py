"""Hostile input: files built to exhaust memory, read other files or write outside a folder.

Every one is refused before it does harm, with a ``DataError`` that says what was found, and
the command line turns each into one line on stderr and exit code 1. The refusals kept here:
entity expansion (billion laughs), external entities and DTDs (XXE), zip-slip member paths,
archives that unpack past ``max_bytes`` or expand more than 100 times (in ``.qdpx`` and
``.xlsx`` alike), and project sources that point outside their archive.
"""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

import statecode as sc
from statecode.cli import app
from statecode.io.refi import DEFAULT_MAX_BYTES

#: A refusal is immediate: nothing is expanded or unpacked first (seconds, generous for CI).
PROMPT = 5.0

LAUGHS = "".join(
    f' <!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">\n' for i in range(2, 10)
)  # lol9 is 10**9 'lol's: 3 GB of text from 1 kB of XML
BILLION_LAUGHS_DTD = f'<!DOCTYPE lolz [\n <!ENTITY lol1 "lol">\n{LAUGHS}]>'.replace(
    "&lol1;", "&lol1;"
)
BILLION_LAUGHS = f"""<?xml version="1.0"?>
{BILLION_LAUGHS_DTD}
<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>
<Code guid="c4b0b1e2-6a39-4f4b-9e58-0a1e4c3d2b10" name="&lol9;" isCodable="true"/>
</Codes></CodeBook>
"""
EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE CodeBook [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>
<Code guid="c4b0b1e2-6a39-4f4b-9e58-0a1e4c3d2b10" name="x" isCodable="true">
<Description>&secret;</Description></Code>
</Codes></CodeBook>
"""
EXTERNAL_DTD = """<?xml version="1.0"?>
<!DOCTYPE CodeBook SYSTEM "http://attacker.example/evil.dtd">
<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes/></CodeBook>
"""
REFUSED = (
    "refused: the XML has a document type declaration (<!DOCTYPE ...>), whose entities can "
    "expand without limit or read other files; REFI-QDA files have none, so re-export the "
    "file from the QDA program"
)
HOSTILE_XML = [
    pytest.param(BILLION_LAUGHS, id="billion-laughs"),
    pytest.param(EXTERNAL_ENTITY, id="external-entity"),
    pytest.param(EXTERNAL_DTD, id="external-dtd"),
]

SOURCE = "{08CBCED0-D736-44C8-8FD6-EB4D29FE46C5}"


def _project(sources: str = "") -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<Project xmlns="urn:QDA-XML:project:1.0" name="p" origin="test">'
        f"<CodeBook><Codes/></CodeBook><Sources>{sources}</Sources></Project>"
    )


def _qdpx(path: Path, members: dict[str, str | bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(zipfile.ZipInfo(name) if name.startswith(("/", "C:")) else name, data)
    return path


def _refused(read: object, path: Path, **options: object) -> str:
    """The refusal's message; it came fast."""
    start = time.perf_counter()
    with pytest.raises(sc.DataError) as exc:
        read(path, **options)  # type: ignore[operator]
    assert time.perf_counter() - start < PROMPT
    return str(exc.value)


def _cli_refuses(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("error: ")
    return lines[0]


# --------------------------------------------------------------------------------------------
# XML: entity expansion, external entities, external DTDs


@pytest.mark.parametrize("xml", HOSTILE_XML)
def test_hostile_xml_in_a_qdc_codebook(tmp_path: Path, xml: str) -> None:
    path = tmp_path / "evil.qdc"
    path.write_text(xml, encoding="utf-8")
    assert _refused(sc.read_qdc, path) == f"{path}: {REFUSED}"
    assert _refused(sc.read_codebook, path) == f"{path}: {REFUSED}"
    assert _cli_refuses("codebook", "check", str(path)) == f"error: {path}: {REFUSED}"


@pytest.mark.parametrize("xml", HOSTILE_XML)
def test_hostile_xml_in_a_qdpx_project(tmp_path: Path, xml: str) -> None:
    path = _qdpx(tmp_path / "evil.qdpx", {"project.qde": xml.replace("CodeBook", "Project")})
    expected = f"{path}: member 'project.qde': {REFUSED}"
    assert _refused(sc.read_qdpx, path) == expected
    out = tmp_path / "out.csv"
    assert _cli_refuses("import", "qdpx", str(path), "-o", str(out)) == f"error: {expected}"
    assert not out.exists()


@pytest.mark.parametrize("member", ["xl/workbook.xml", "xl/worksheets/sheet1.xml"])
def test_entity_expansion_in_a_workbook(tmp_path: Path, member: str) -> None:
    good = tmp_path / "good.xlsx"
    sc.write_codings(sc.CodingTable.from_codings([sc.Coding("u", "a", "v", "x")]), good)
    with zipfile.ZipFile(good) as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    body = members[member].decode("utf-8").split("?>", 1)[-1]
    # the first text of the member becomes a billion laughs
    body = body.replace('name="Sheet', 'name="&lol9;Sheet', 1).replace("<t>u</t>", "<t>&lol9;</t>")
    members[member] = f'<?xml version="1.0"?>\n{BILLION_LAUGHS_DTD}\n{body}'.encode()
    path = tmp_path / "laughs.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    message = _refused(sc.read_table, path)
    assert message.startswith(f"{path}: not a workbook openpyxl can read (")
    assert "lol" * 100 not in message


# --------------------------------------------------------------------------------------------
# archives: zip slip and zip bombs


@pytest.mark.parametrize(
    "member",
    ["../evil.txt", "/abs.txt", "..\\evil.txt", "C:/evil.txt", "sources/../../evil.txt"],
)
def test_zip_slip(tmp_path: Path, member: str) -> None:
    folder = tmp_path / "inside"
    folder.mkdir()
    path = _qdpx(folder / "slip.qdpx", {"project.qde": _project(), member: b"overwrite"})
    assert _refused(sc.read_qdpx, path) == (
        f"{path}: member {member!r}: its path is absolute or climbs out of the archive with "
        "'..' (a zip-slip archive); refusing the whole file: re-export the project from the "
        "QDA program"
    )
    corpus = tmp_path / "corpus"
    _cli_refuses(
        "import", "qdpx", str(path), "-o", str(tmp_path / "c.csv"), "--corpus-out", str(corpus)
    )
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["inside", "slip.qdpx"]


def test_a_project_past_max_bytes(tmp_path: Path) -> None:
    path = _qdpx(tmp_path / "big.qdpx", {"project.qde": b"\0" * (8 << 20)})
    assert _refused(sc.read_qdpx, path, max_bytes=1 << 20) == (
        f"{path}: member 'project.qde': the archive unpacks to more than max_bytes=1048576 "
        "bytes (a zip bomb?); refusing it. If the project really is this large, raise max_bytes"
    )


def test_max_bytes_counts_every_member_read(tmp_path: Path) -> None:
    source = f'<TextSource guid="{SOURCE}" name="d1" plainTextPath="internal://d.txt"></TextSource>'
    qde = _project(source)
    path = _qdpx(tmp_path / "p.qdpx", {"project.qde": qde, "sources/d.txt": b"x" * 2000})
    assert sc.read_qdpx(path, max_bytes=len(qde) + 2000).corpus.documents[0].text == "x" * 2000
    message = _refused(sc.read_qdpx, path, max_bytes=len(qde) + 1999)
    assert message.startswith(f"{path}: member 'sources/d.txt': the archive unpacks to ")


@pytest.mark.parametrize(
    ("suffix", "member", "read"),
    [
        pytest.param(".qdpx", "project.qde", sc.read_qdpx, id="qdpx"),
        pytest.param(".xlsx", "xl/sharedStrings.xml", sc.read_table, id="xlsx"),
    ],
)
def test_a_zip_bomb_by_compression_ratio(
    tmp_path: Path, suffix: str, member: str, read: object
) -> None:
    # 50 MiB of zeros in about 50 kB: under the default max_bytes, over the ratio
    assert DEFAULT_MAX_BYTES > 50 << 20
    path = _qdpx(tmp_path / f"bomb{suffix}", {member: b"\0" * (50 << 20)})
    with zipfile.ZipFile(path) as zf:
        compressed = zf.getinfo(member).compress_size
    message = _refused(read, path)
    assert message.endswith(
        f"member {member!r}: expands more than 100 times over its {compressed} compressed "
        "bytes (a zip bomb?); refusing it"
    ), message
    out = tmp_path / "out.csv"
    if suffix == ".xlsx":
        assert "zip bomb" in _cli_refuses("alpha", str(path))
    else:
        assert "zip bomb" in _cli_refuses("import", "qdpx", str(path), "-o", str(out))


# --------------------------------------------------------------------------------------------
# sources that point outside their archive


@pytest.mark.parametrize("scheme", ["absolute://", "relative://../", "file://"])
def test_a_source_outside_the_archive_is_never_opened(tmp_path: Path, scheme: str) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("the password", encoding="utf-8")
    target = f"{scheme}{secret}" if scheme != "relative://../" else f"{scheme}secret.txt"
    source = f'<TextSource guid="{SOURCE}" name="d1" plainTextPath="{target}"></TextSource>'
    folder = tmp_path / "project"
    folder.mkdir()
    path = _qdpx(folder / "p.qdpx", {"project.qde": _project(source)})
    message = _refused(sc.read_qdpx, path)
    assert "the password" not in message
    assert f"plainTextPath {target!r}" in message
    assert "statecode opens no file a project names" in message or "names no member" in message
