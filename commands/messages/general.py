"""Catalog entries shared by every command (see commands.messages)."""

MESSAGES: dict[str, dict[str, str]] = {
    "error.unexpected": {
        "fr": "Désolé, quelque chose s'est mal passé de notre côté. Rien n'a été modifié ; "
        "réessayez dans un instant.",
        "en": "Sorry, something went wrong on our side. Nothing was changed; "
        "please try again in a moment.",
    },
    "form.invalid": {
        "fr": "Certains champs sont à corriger.",
        "en": "Some fields need fixing.",
    },
    "coming_soon": {
        "fr": "`{command}` arrive bientôt. En attendant : `/opp list` pour vos opportunités.",
        "en": "`{command}` is coming soon. Meanwhile: `/opp list` shows your opportunities.",
    },
    "status.open": {"fr": "En cours", "en": "Open"},
    "status.won": {"fr": "Gagnée", "en": "Won"},
    "status.lost": {"fr": "Perdue", "en": "Lost"},
    "common.none": {"fr": "—", "en": "—"},
}
