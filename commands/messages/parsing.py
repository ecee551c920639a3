"""Catalog entries (see commands.messages): refusals from `commands.parsing`.

Each one quotes the text back and, when something was understood, says what, so the user can
correct the text rather than guess. `{date}` arrives as yyyy-mm-dd; the caller localises it.
"""

MESSAGES: dict[str, dict[str, str]] = {
    "parse.amount_invalid": {
        "fr": (
            "« {text} » n’est pas un montant que je sais lire. "
            "Exemples : 6000, 6 000 €, 6k, 12 500,50 €, $1,200.50."
        ),
        "en": (
            "I can’t read “{text}” as an amount. "
            "Examples: 6000, €6,000, 6k, 12 500,50 €, $1,200.50."
        ),
    },
    "parse.amount_not_positive": {
        "fr": "« {text} » : le montant doit être supérieur à zéro.",
        "en": "“{text}”: the amount must be greater than zero.",
    },
    "parse.amount_too_large": {
        "fr": "« {text} » dépasse le montant maximal accepté (1 000 milliards).",
        "en": "“{text}” is more than the largest amount accepted (1 trillion).",
    },
    "parse.date_unknown": {
        "fr": (
            "« {text} » n’est pas une date que je sais lire. "
            "Exemples : 15/10, 15 octobre, fin octobre, T3, dans 3 semaines."
        ),
        "en": (
            "I can’t read “{text}” as a date. "
            "Examples: 15/10, October 15, end of October, Q3, in 3 weeks."
        ),
    },
    "parse.date_impossible": {
        "fr": "« {text} » n’existe pas dans le calendrier.",
        "en": "“{text}” is not a real date.",
    },
    "parse.date_past": {
        "fr": "« {text} » se comprend comme le {date}, qui est déjà passé.",
        "en": "“{text}” reads as {date}, which has already passed.",
    },
    "parse.date_too_far": {
        "fr": "« {text} » se comprend comme le {date}, plus de {years} ans après aujourd’hui.",
        "en": "“{text}” reads as {date}, more than {years} years from today.",
    },
    "parse.date_missing": {
        "fr": "Il manque la date après « {keyword} ».",
        "en": "The date is missing after “{keyword}”.",
    },
    "parse.text_too_long": {
        "fr": "Le texte est trop long : {length} caractères, pour {max} au maximum.",
        "en": "The text is too long: {length} characters, {max} at most.",
    },
}
