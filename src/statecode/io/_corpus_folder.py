"""A corpus as a folder of ``.txt`` files, linked to their documents by a metadata table."""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping
from pathlib import Path

import polars as pl

from statecode._typing import PathLike
from statecode.exceptions import InputFileError, Problem, StatecodeWarning
from statecode.io._corpus_tables import Columns, DocumentRow, build_documents, read_frame
from statecode.model import Document
from statecode.options import Unmatched

__all__ = ["read_folder"]


def read_folder(
    folder: Path,
    metadata: PathLike | None,
    names: Columns,
    mode: Unmatched,
    problems: list[Problem],
    encoding: str = "utf-8",
) -> list[Document]:
    meta_path = Path(metadata) if metadata is not None else folder / "metadata.csv"
    reader = _FolderReader(folder, meta_path.name, names, mode, problems, encoding)
    if meta_path.is_file():
        frame, first = read_frame(meta_path, encoding)
    elif mode is Unmatched.WARN and metadata is None:
        frame, first = pl.DataFrame(), 2
        reader.warned.append(f"no metadata file {meta_path.name}")
    else:
        msg = (
            f"{meta_path}: no metadata file; pass metadata=PATH (a table with a "
            f"{names.file!r} or {names.document_id!r} column), or unmatched='warn' to read "
            "the .txt files without metadata"
        )
        raise InputFileError(msg)
    rows = reader.link(frame, first)
    if reader.warned:
        lines = "\n".join(f"  {w}" for w in reader.warned)
        warnings.warn(
            f"{folder}: {len(reader.warned)} unmatched file(s) or row(s):\n{lines}",
            StatecodeWarning,
            stacklevel=3,
        )
    extra = [c for c in frame.columns if c not in (names.document_id, names.file, names.text)]
    return build_documents(rows, names, extra, problems)


class _FolderReader:
    """Links the rows of a metadata table to the .txt files of a folder."""

    def __init__(
        self,
        folder: Path,
        meta_file: str,
        names: Columns,
        mode: Unmatched,
        problems: list[Problem],
        encoding: str = "utf-8",
    ) -> None:
        self.encoding = encoding
        self.folder = folder
        self.meta_file = meta_file
        self.names = names
        self.mode = mode
        self.problems = problems
        self.warned: list[str] = []
        self.txt = {
            p.name: p
            for p in sorted(folder.iterdir())
            if p.is_file() and p.suffix.lower() == ".txt"
        }

    def unmatched(self, where: str, message: str) -> None:
        if self.mode is Unmatched.WARN:
            self.warned.append(f"{where}: {message}")
        else:
            self.problems.append(Problem(where, message))

    def link(self, frame: pl.DataFrame, first: int) -> list[DocumentRow]:
        names = self.names
        if names.text in frame.columns:
            self.problems.append(
                Problem(
                    f"{self.meta_file}, column {names.text!r}",
                    "the text of a document comes from its .txt file; remove this column "
                    "(or name another column with text=)",
                )
            )
        by_file = names.file in frame.columns
        if frame.columns and not by_file and names.document_id not in frame.columns:
            self.problems.append(
                Problem(
                    self.meta_file,
                    f"neither a {names.file!r} nor a {names.document_id!r} column links the "
                    "rows to the .txt files; add one, or name it with file= or document_id=",
                )
            )
            return []
        used: dict[str, int] = {}
        rows: list[DocumentRow] = []
        for i, cells in enumerate(frame.iter_rows(named=True)):
            row = self.link_row(first + i, cells, by_file, used)
            if row is not None:
                rows.append(row)
        for name, path in self.txt.items():
            if name not in used:
                self.unmatched(
                    name,
                    f"has no row in {self.meta_file}; add a row for it, or remove the file "
                    "from the folder",
                )
                if self.mode is Unmatched.WARN:
                    self.warned[-1] += f" (read as document {path.stem!r})"
                    rows.append(
                        (name, path.stem, _read_text(path, self.problems, self.encoding), {})
                    )
        return rows

    def link_row(
        self, row: int, cells: Mapping[str, str | None], by_file: bool, used: dict[str, int]
    ) -> DocumentRow | None:
        names = self.names
        location = f"{self.meta_file}, row {row}"
        doc_id = cells.get(names.document_id)
        has_id = bool(doc_id and doc_id.strip())
        if by_file:
            name = cells[names.file] or ""
            where = f"{location}, column {names.file!r}"
            if not name.strip():
                self.problems.append(Problem(where, "empty file name; name the .txt file"))
                return None
        elif not has_id:  # the empty document id is reported with the documents
            return (location, doc_id, "", cells)
        else:
            name = f"{doc_id}.txt"
            where = f"{location}, column {names.document_id!r}"
        if name in used:
            self.problems.append(
                Problem(
                    where,
                    f"file {name!r} is already linked to row {used[name]}; link each file "
                    "to one row",
                )
            )
            return None
        used[name] = row
        if name not in self.txt:
            if os.sep in name or "/" in name or name in (".", ".."):
                fix = "give the file name only, without folders"
            else:
                fix = f"add the file to {self.folder}, or fix the {names.file!r} value"
            self.unmatched(where, f"no file {name!r} in the folder; {fix}")
            return None
        text = _read_text(self.txt[name], self.problems, self.encoding)
        return (location, doc_id if has_id else Path(name).stem, text, cells)


def _read_text(path: Path, problems: list[Problem], encoding: str = "utf-8") -> str:
    data = path.read_bytes()
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        problems.append(
            Problem(
                path.name,
                f"line {line}, byte {exc.start}: not {encoding} text; save the file as UTF-8, "
                "or read the corpus with its encoding (encoding=)",
            )
        )
        return ""
    return text.removeprefix("\ufeff")
