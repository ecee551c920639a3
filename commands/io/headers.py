"""Which column holds which field: headers matched in French or English, whatever the case,
accents or punctuation ("Date de signature", "close_date", "CLOSE DATE (€)"…)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from commands.errors import DomainError, InvalidInput
from commands.i18n import t
from commands.io.sources import SOURCES, Source, recognise
from commands.io.spreadsheet import Table, cell_text
from storage.text import fold

# Field → the headers that mean it, folded (no case, accents or punctuation).
FIELDS: dict[str, tuple[str, ...]] = {
    "account": ("compte", "account", "client", "customer", "societe", "entreprise", "company",
                "prospect", "account name", "nom du compte", "raison sociale"),
    "title": ("objet", "title", "titre", "intitule", "affaire", "opportunite", "opportunity",
              "opportunity name", "nom de l opportunite", "deal", "deal name", "subject", "sujet",
              "ce qui est vendu"),
    "amount": ("montant", "amount", "valeur", "value", "montant ht", "amount ht", "prix", "price",
               "total", "deal value", "ca"),
    "currency": ("devise", "currency", "monnaie"),
    "close_date": ("signature", "date de signature", "date de signature prevue", "close date",
                   "closing date", "expected close date", "date de cloture prevue", "echeance",
                   "close", "date signature", "signing date"),
    "stage": ("etape", "stage", "phase", "deal stage", "etape commerciale"),
    "process": ("processus", "process", "pipeline", "processus commercial", "sales process"),
    "owner": ("commercial", "owner", "email", "e mail", "courriel", "proprietaire", "vendeur",
              "rep", "sales rep", "responsable", "owner email", "owner id", "email du commercial",
              "user", "utilisateur", "deal owner"),
    "status": ("statut", "status", "etat", "state", "resultat", "outcome"),
    "origin": ("origine", "origin", "source", "lead source", "canal", "channel",
               "source du lead"),
    "product": ("produit", "product", "famille", "famille de produit", "product family", "gamme",
                "categorie", "category", "famille produit"),
    "created": ("cree le", "creee le", "created", "created at", "created date", "creation",
                "date de creation", "date creation", "created on", "creation date"),
    "closed": ("cloture le", "cloturee le", "closed", "closed at", "closed date", "closed on",
               "date de cloture", "date cloture", "won date", "lost date", "date de fin"),
    "lost_reason": ("raison de la perte", "motif de perte", "raison perte", "lost reason",
                    "loss reason", "reason lost", "motif"),
    "next_step": ("prochaine etape", "next step", "prochaine action", "next action", "action"),
    "next_step_date": ("date de la prochaine etape", "date prochaine etape", "next step date",
                       "date de relance", "relance", "next action date"),
    "probability": ("probabilite", "probability", "proba", "chance", "win probability"),
    "probability_override": ("probabilite forcee", "probability override"),
    "need": ("besoin exprime", "need expressed", "besoin", "need"),
    "answer": ("nous savons repondre", "we can answer", "on sait repondre", "can answer"),
    "blockers": ("freins leves", "blockers lifted", "freins", "blockers"),
    "meeting": ("rendez vous planifie", "meeting planned", "rdv planifie", "rdv", "meeting"),
    # Read so that an export imports back cleanly; the values themselves are not used.
    "number": ("numero", "number", "n", "no", "id", "deal id"),
}  # fmt: skip
REQUIRED = ("account", "title", "amount", "owner")
# A field is named in messages by its export header (the export's column names).
_EXPORT_COLUMN = {"created": "created_at", "closed": "closed_at"}


def label(field_name: str, lang: str) -> str:
    if field_name in ("won_date", "lost_date"):  # no export column: the importer's own names
        return t(lang, f"import.col_{field_name}")
    return t(lang, f"export.col_{_EXPORT_COLUMN.get(field_name, field_name)}")


EMAIL = re.compile(r"[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+")
# A Slack user id as typed or pasted: `U0ANNA`, `@U0ANNA`, `<@U0ANNA>`, `<@U0ANNA|anna>`.
USER_ID = re.compile(r"<?@?([UW][A-Z0-9]{2,})(?:\|[^>]*)?>?")
_PARENTHESES = re.compile(r"\([^)]*\)")
_NOT_WORD = re.compile(r"[^0-9a-z]+")


def fold_header(header: str) -> str:
    """What a header is matched on: folded like names, without what is in parentheses and with
    punctuation as spaces ("Date de signature (prévue)" → "date de signature")."""
    key = fold(_PARENTHESES.sub(" ", header))
    return " ".join(_NOT_WORD.sub(" ", key).split())


_HEADERS = {name: field for field, names in FIELDS.items() for name in names}


@dataclass(frozen=True)
class Columns:
    index: dict[str, int]  # field → column
    matched: dict[str, str]  # field → header as written
    ignored: tuple[str, ...]
    errors: tuple[DomainError, ...]
    source: Source | None = None
    hidden: tuple[str, ...] = ()


def _known(folded: str) -> bool:
    return folded in _HEADERS or any(folded in s.headers for s in SOURCES)


HEADER_SEARCH = 20
"""Lines looked at for the header: exports put a title, filters and dates above it."""


def locate_header(table: Table) -> Table:
    """The table read from its real header line: the first of the top lines that names the
    most known columns (the first line unless a later one names more)."""
    best_line, best = table.header_line, sum(_known(fold_header(h)) for h in table.headers)
    for line, cells in table.rows[:HEADER_SEARCH]:
        score = sum(_known(fold_header(str(c))) for c in cells if isinstance(c, str))
        if score > best:
            best_line, best = line, score
    return table if best_line == table.header_line else table.with_header(best_line)


def match_headers(
    headers: Sequence[str],
    lang: str,
    *,
    mapping: Mapping[str, str] | None = None,
    hidden: frozenset[int] = frozenset(),
) -> Columns:
    """Fields by column: `mapping` (`--map`) first — a field it names is read from that column
    only —, then the recognised source's own headers, then the generic names. Hidden columns
    are left out."""
    folded = [fold_header(h) for h in headers]
    source = recognise({f for i, f in enumerate(folded) if i not in hidden})
    wanted = {fold_header(h): f for h, f in (mapping or {}).items()}
    mapped = set(wanted.values()) - {"-"}
    index: dict[str, int] = {}
    matched: dict[str, str] = {}
    ignored: list[str] = []
    errors: list[DomainError] = []
    for header in mapping or {}:
        if fold_header(header) not in folded:
            errors.append(InvalidInput("import.map_header", header=header[:60]))
    for position, header in enumerate(headers):
        if position in hidden:
            continue
        key = folded[position]
        from_source = source is not None and key in source.headers
        if key in wanted:
            field_name: str | None = wanted[key]
        elif from_source:
            field_name = source.headers[key] if source else None
        else:
            field_name = _HEADERS.get(key)
        if key not in wanted and field_name in mapped:
            field_name = None  # `--map` gave this field to another column
        if field_name is None or field_name == "-":
            if header:
                ignored.append(header)
            continue
        if field_name in index:
            if key in wanted or (source is None and not from_source):
                errors.append(
                    InvalidInput(
                        "import.duplicate_column",
                        first=matched[field_name],
                        second=header,
                        column=label(field_name, lang),
                    )
                )
            else:
                # A known export carries some fields twice ("Deal - Add time" and "Deal - Deal
                # created"): the first one is read.
                ignored.append(header)
            continue
        index[field_name] = position
        matched[field_name] = header
    for name in REQUIRED:
        if name not in index:
            accepted = ", ".join(f"« {h} »" if lang == "fr" else f"“{h}”" for h in FIELDS[name][:6])
            errors.append(
                InvalidInput("import.missing_column", column=label(name, lang), accepted=accepted)
            )
    # A deal's own probability column wins over the effective one (an export has both).
    if "probability_override" in index:
        index.pop("probability", None)
    hidden_names = tuple(headers[i] for i in sorted(hidden) if i < len(headers) and headers[i])
    return Columns(index, matched, tuple(ignored), tuple(errors), source, hidden_names)


def owner_emails(table: Table, columns: Columns) -> set[str]:
    """The distinct e-mail addresses in the owner column, to look up in Slack first."""
    position = columns.index.get("owner")
    if position is None:
        return set()
    found = set()
    for _, cells in table.rows:
        value = cell_text(cells, position)
        if value and EMAIL.fullmatch(value):
            found.add(value.lower())
    return found


def owner_names(table: Table, columns: Columns) -> set[str]:
    """The distinct owner cells that are neither Slack ids nor e-mails: names (as CRMs export
    them), matched against the workspace's members."""
    position = columns.index.get("owner")
    if position is None:
        return set()
    found = set()
    for _, cells in table.rows:
        value = cell_text(cells, position)
        if value and not USER_ID.fullmatch(value) and not EMAIL.fullmatch(value):
            found.add(value)
    return found
