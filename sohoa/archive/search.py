"""Search and listing over the index: SQLite FTS5 on folded Vietnamese text.

The `search` table holds, per document, folded text in columns weighted for
ranking (bm25): the số/ký hiệu (`code`), the type name, the organ, the other
metadata and dossier codes (`meta`), and the OCR text (`body`). A hit in the
metadata ranks above a hit in the body. Its rowid is derived from the
document id, so a document's row is replaced in O(log n) when its metadata
is edited or a dossier is linked.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sohoa.archive import vnsearch
from sohoa.errors import UsageError

#: bm25 weights of (document_id, code, type, organ, meta, body): metadata above body.
WEIGHTS = (0.0, 10.0, 4.0, 4.0, 4.0, 1.0)
SORTS = {
    "date": "d.issued_date",
    "ingested": "d.ingested_at",
    "code": "CAST(d.code_number AS INTEGER)",
    "type": "d.type_name",
    "organ": "d.organ_name",
}


def rowid_of(document_id: str) -> int:
    """A signed 64-bit rowid for a 16-hex-digit id (one-to-one)."""
    try:
        value = int(document_id[:16], 16)
    except ValueError:
        value = int.from_bytes(document_id.encode()[:8].ljust(8, b"\0"), "big")
    return value - (1 << 63)


def index_document(
    db: sqlite3.Connection,
    document_id: str,
    metadata: Mapping[str, Any],
    text: str,
    *,
    source: str = "",
    dossiers: Iterable[str] = (),
) -> None:
    """Put (or replace) a document's row in the search index (inside the caller's transaction)."""
    meta_parts = [
        metadata.get("subject"),
        metadata.get("parent_organ"),
        metadata.get("place"),
        metadata.get("signer_position"),
        metadata.get("signer_full_name"),
        "; ".join(metadata.get("recipients") or ()),
        Path(source).name if source else None,
        *dossiers,
    ]
    row = (
        document_id,
        vnsearch.code_terms(metadata.get("code_number"), metadata.get("code_notation")),
        vnsearch.fold(metadata.get("type_name") or ""),
        vnsearch.fold(metadata.get("organ_name") or ""),
        vnsearch.fold(" | ".join(p for p in meta_parts if p)),
        vnsearch.fold(text),
    )
    rowid = rowid_of(document_id)
    db.execute("DELETE FROM search WHERE rowid = ?", (rowid,))
    db.execute(
        "INSERT INTO search (rowid, document_id, code, type, organ, meta, body)"
        " VALUES (?,?,?,?,?,?,?)",
        (rowid, *row),
    )


def dossiers_of(db: sqlite3.Connection, document_id: str) -> list[str]:
    return [
        r[0]
        for r in db.execute(
            "SELECT dossier_code FROM document_dossiers WHERE document_id = ? ORDER BY dossier_code",
            (document_id,),
        )
    ]


def reindex(db: sqlite3.Connection, root: Path, document_id: str) -> None:
    """Rebuild a document's search row from its index row and its text file."""
    row = db.execute(
        "SELECT metadata, text_path, source FROM documents WHERE id = ?", (document_id,)
    ).fetchone()
    if row is None:
        return
    index_document(
        db,
        document_id,
        json.loads(row["metadata"]),
        read_text(root / row["text_path"]),
        source=row["source"],
        dossiers=dossiers_of(db, document_id),
    )


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


# --- queries --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """What `search` and `list` narrow by (all optional)."""

    type_name: str | None = None
    organ: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    dossier: str | None = None
    needs_review: bool | None = None


@dataclass(frozen=True)
class Hit:
    document_id: str
    score: float | None
    metadata: dict[str, Any]
    source: str
    pdf: str
    text_path: str
    ingested_at: str
    needs_review: bool
    pages: int = 0
    dossiers: tuple[str, ...] = ()
    snippet: str = ""
    highlights: list[list[int]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        m = self.metadata
        return {
            "document_id": self.document_id,
            "score": None if self.score is None else round(self.score, 4),
            "type_name": m.get("type_name"),
            "code": code_of(m),
            "issued_date": m.get("issued_date"),
            "organ_name": m.get("organ_name"),
            "subject": m.get("subject"),
            "dossiers": list(self.dossiers),
            "needs_review": self.needs_review,
            "pages": self.pages,
            "source": self.source,
            "pdf": self.pdf,
            "ingested_at": self.ingested_at,
            "snippet": self.snippet,
            "highlights": self.highlights,
        }


def code_of(metadata: Mapping[str, Any]) -> str | None:
    number, notation = metadata.get("code_number"), metadata.get("code_notation")
    if number and notation:
        return f"{number}/{notation}"
    return notation or number


def _where(filters: Filters) -> tuple[list[str], list[str], list[Any]]:
    """(FTS filter expressions, SQL conditions on documents `d`, their parameters)."""
    fts: list[str] = []
    sql: list[str] = []
    params: list[Any] = []
    for text, column in ((filters.type_name, "type"), (filters.organ, "organ")):
        if text:
            expression = vnsearch.phrase(text, column)
            if expression is None:
                raise UsageError(f"--{column} {text!r} has no letter or digit to match")
            fts.append(expression)
    if filters.date_from:
        sql.append("d.issued_date >= ?")
        params.append(filters.date_from)
    if filters.date_to:
        sql.append("d.issued_date <= ?")
        params.append(filters.date_to)
    if filters.dossier:
        sql.append("d.id IN (SELECT document_id FROM document_dossiers WHERE dossier_code = ?)")
        params.append(filters.dossier)
    if filters.needs_review is not None:
        sql.append("d.needs_review = ?")
        params.append(int(filters.needs_review))
    return fts, sql, params


def search(
    db: sqlite3.Connection,
    root: Path,
    query: str,
    filters: Filters = Filters(),
    *,
    limit: int = 20,
    snippets: bool = True,
) -> list[Hit]:
    """Documents matching `query` (every word, folded), best first."""
    parsed = vnsearch.parse_query(query)
    if parsed is None:
        raise UsageError(f"the query {query!r} has no letter or digit to search for")
    fts, sql, params = _where(filters)
    # Two tiers: documents whose metadata holds every word first, whatever bm25 says of
    # a body that repeats a word (bm25's idf is near zero in a small archive); then the
    # rest. Each tier is ranked inside FTS5 and cut to `limit` before any join, so a
    # common word matching most of the archive costs one bm25 pass, not a join per match.
    in_metadata = f"{{code type organ meta}} : ({parsed.expression})"
    found: dict[str, float] = {}
    for expression in (in_metadata, parsed.expression):
        if len(found) >= limit:
            break
        match = " AND ".join([f"({expression})", *fts])
        for document_id, score in _ranked(db, match, sql, params, limit + len(found)):
            if document_id not in found and len(found) < limit:
                found[document_id] = score
    if not found:
        return []
    marks = ",".join("?" * len(found))
    rows = {
        r["id"]: r
        for r in db.execute(f"SELECT * FROM documents WHERE id IN ({marks})", list(found))
    }
    words = parsed.words if snippets else None
    return [_hit(db, root, rows[i], -score, words) for i, score in found.items() if i in rows]


def _ranked(
    db: sqlite3.Connection, match: str, sql: list[str], params: list[Any], limit: int
) -> list[tuple[str, float]]:
    """(document id, bm25) of the best `limit` matches, filtered by `sql` on documents `d`."""
    weights = ", ".join(str(w) for w in WEIGHTS)
    if not sql:
        query = (
            f"SELECT document_id, bm25(search, {weights}) AS score FROM search"
            " WHERE search MATCH ? ORDER BY score LIMIT ?"
        )
        return [(r[0], r[1]) for r in db.execute(query, (match, limit))]
    where = "".join(f" AND {c}" for c in sql)
    query = (
        f"SELECT d.id, bm25(search, {weights}) AS score FROM search"
        f" JOIN documents d ON d.id = search.document_id"
        f" WHERE search MATCH ?{where} ORDER BY score LIMIT ?"
    )
    return [(r[0], r[1]) for r in db.execute(query, (match, *params, limit))]


def optimize(db: sqlite3.Connection) -> None:
    """Merge the search index's segments into one (maintenance: `archive check` runs it).

    Each ingest adds small segments; FTS5 merges them only gradually, and a query
    reads every segment. Merged, common-word queries on 100,000 documents take half
    the time (bench/bench_archive.py).
    """
    db.execute("INSERT INTO search(search) VALUES ('optimize')")


def listing(
    db: sqlite3.Connection,
    root: Path,
    filters: Filters = Filters(),
    *,
    sort: str = "date",
    descending: bool = False,
    limit: int | None = None,
) -> list[Hit]:
    """Documents narrowed by `filters`, in the order asked (`sohoa list`)."""
    if sort not in SORTS:
        raise UsageError(f"--sort {sort!r}: one of {', '.join(SORTS)}")
    fts, sql, params = _where(filters)
    if fts:
        sql.insert(
            0,
            "d.id IN (SELECT document_id FROM search WHERE search MATCH ?)",
        )
        params.insert(0, " AND ".join(fts))
    where = f" WHERE {' AND '.join(sql)}" if sql else ""
    direction = "DESC" if descending else "ASC"
    order = f"{SORTS[sort]} IS NULL, {SORTS[sort]} {direction}, d.id"
    tail = " LIMIT ?" if limit else ""
    rows = db.execute(
        f"SELECT d.* FROM documents d{where} ORDER BY {order}{tail}",
        (*params, *([limit] if limit else [])),
    ).fetchall()
    return [_hit(db, root, row, None, None) for row in rows]


def _hit(
    db: sqlite3.Connection,
    root: Path,
    row: sqlite3.Row,
    score: float | None,
    words: Sequence[str] | None,
) -> Hit:
    text, marks = "", []
    if words is not None:
        text, marks = vnsearch.snippet(read_text(root / row["text_path"]), tuple(words))
    return Hit(
        document_id=row["id"],
        score=score,
        metadata=json.loads(row["metadata"]),
        source=row["source"],
        pdf=str(root / row["pdf_path"]),
        text_path=str(root / row["text_path"]),
        ingested_at=row["ingested_at"],
        needs_review=bool(row["needs_review"]),
        pages=row["pages"],
        dossiers=tuple(dossiers_of(db, row["id"])),
        snippet=text,
        highlights=marks,
    )
