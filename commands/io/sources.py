"""The CRMs whose export files are taken as they come, recognised by their headers.

Each source maps its own headers (folded as `headers.fold_header` folds them: "Deal - Title" is
"deal title", "Probability (%)" is "probability") to the importer's fields. Headers a source
does not name are matched by the generic French and English names, and `--map` overrides both.
"""

from __future__ import annotations

from dataclasses import dataclass

from commands.errors import InvalidInput


@dataclass(frozen=True)
class Source:
    name: str
    signature: frozenset[str]  # folded headers that all appear in its exports
    headers: dict[str, str]  # folded header → field
    # Its probability column is the stage's (a deal overrides it only when it differs).
    stage_probability: bool = True


PIPEDRIVE = Source(
    "Pipedrive",
    frozenset({"deal title", "deal value"}),
    {
        "deal title": "title",
        "deal organization": "account",
        "deal organization name": "account",
        "deal value": "amount",
        "deal currency": "currency",
        "deal pipeline": "process",
        "deal stage": "stage",
        "deal status": "status",
        "deal expected close date": "close_date",
        "deal owner": "owner",
        "deal owner email": "owner",
        "deal won time": "won_date",
        "deal lost time": "lost_date",
        "deal deal closed on": "closed",
        "deal lost reason": "lost_reason",
        "deal deal created": "created",
        "deal add time": "created",
        "deal probability": "probability",
        "deal source origin": "origin",
        "deal next activity date": "next_step_date",
        "deal id": "number",
    },
)
HUBSPOT = Source(
    "HubSpot",
    frozenset({"deal name", "deal stage", "close date"}),
    {
        "deal name": "title",
        "associated company": "account",
        "company name": "account",
        "amount": "amount",
        "deal currency code": "currency",
        "currency": "currency",
        "close date": "close_date",
        "deal stage": "stage",
        "pipeline": "process",
        "deal owner": "owner",
        "create date": "created",
        "closed lost reason": "lost_reason",
        "deal probability": "probability",
        "original source type": "origin",
        "original traffic source": "origin",
        "record id": "number",
    },
)
SALESFORCE = Source(
    "Salesforce",
    frozenset({"opportunity name", "opportunity owner"}),
    {
        "opportunity name": "title",
        "account name": "account",
        "amount": "amount",
        "amount currency": "currency",
        "opportunity currency": "currency",
        "close date": "close_date",
        "stage": "stage",
        "opportunity owner": "owner",
        "opportunity owner email": "owner",
        "owner email": "owner",
        "probability": "probability",
        "created date": "created",
        "lead source": "origin",
        "next step": "next_step",
        "opportunity id": "number",
    },
)
ODOO = Source(
    "Odoo",
    frozenset({"opportunity", "expected revenue", "salesperson"}),
    {
        "opportunity": "title",
        "customer": "account",
        "expected revenue": "amount",
        "currency": "currency",
        "expected closing": "close_date",
        "stage": "stage",
        "sales team": "process",
        "salesperson": "owner",
        "probability": "probability",
        "created on": "created",
        "closed date": "closed",
        "lost reason": "lost_reason",
        "source": "origin",
        "id": "number",
    },
)
ZOHO = Source(
    "Zoho CRM",
    frozenset({"deal name", "deal owner", "closing date"}),
    {
        "deal name": "title",
        "account name": "account",
        "amount": "amount",
        "currency": "currency",
        "closing date": "close_date",
        "stage": "stage",
        "pipeline": "process",
        "deal owner": "owner",
        "probability": "probability",
        "created time": "created",
        "reason for loss": "lost_reason",
        "lead source": "origin",
        "next step": "next_step",
        "record id": "number",
        # Zoho's "Expected Revenue" is the weighted amount: read nothing from it.
        "expected revenue": "-",
    },
)
SOURCES = (PIPEDRIVE, HUBSPOT, SALESFORCE, ODOO, ZOHO)

# What `--map` may name, with what it means (listed by `--help`).
MAPPABLE: dict[str, str] = {
    "title": "what is sold",
    "account": "the customer",
    "amount": "the deal's amount (with or without its currency)",
    "currency": "the amount's currency code",
    "close_date": "expected (or actual, when closed) close date",
    "process": "the pipeline",
    "stage": "the stage (a closed won/lost stage sets the status)",
    "status": "open, won or lost",
    "owner": "Slack id, e-mail or name of the rep",
    "created": "creation date",
    "closed": "date won or lost",
    "won_date": "date won",
    "lost_date": "date lost",
    "lost_reason": "why it was lost",
    "probability": "win probability in %",
    "origin": "source of the lead",
    "product": "product family",
    "next_step": "next step",
    "next_step_date": "next step's date",
    "need": "qualification: need expressed (yes/no)",
    "answer": "qualification: we can answer (yes/no)",
    "blockers": "qualification: blockers lifted (yes/no)",
    "meeting": "qualification: meeting planned (yes/no)",
    "-": "ignore the column",
}


def recognise(folded_headers: set[str]) -> Source | None:
    """The source whose signature the headers carry (the most specific when several do)."""
    matching = [s for s in SOURCES if s.signature <= folded_headers]
    return max(matching, key=lambda s: len(s.signature & folded_headers), default=None)


def parse_map(text: str | None) -> dict[str, str]:
    """`--map "Deal - Title=title,Org=account"`: header as written → field ("-" ignores it)."""
    mapping: dict[str, str] = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        header, equals, field_name = part.rpartition("=")
        field_name = field_name.strip().lower()
        if not equals or not header.strip():
            raise InvalidInput("import.map_syntax", text=part.strip()[:60])
        if field_name not in MAPPABLE:
            raise InvalidInput("import.map_field", name=field_name[:40], fields=", ".join(MAPPABLE))
        mapping[header.strip()] = field_name
    return mapping
