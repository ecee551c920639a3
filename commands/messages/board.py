"""Catalog entries of `/pipeline`, `/forecast` and the App Home (see commands.messages)."""

MESSAGES: dict[str, dict[str, str]] = {
    "scope.usage": {
        "fr": "Usage : `/pipeline [@commercial | equipe | tous] [processus <nom>] "
        "[origine <x>] [produit <x>]` — `/forecast` accepte aussi `mois <N>`.",
        "en": "Usage: `/pipeline [@rep | team | all] [process <name>] [origin <x>] "
        "[product <x>]` — `/forecast` also takes `months <N>`.",
    },
    "scope.months_invalid": {
        "fr": "Le nombre de mois va de 1 à 24.",
        "en": "The number of months goes from 1 to 24.",
    },
    "scope.all_forbidden": {
        "fr": "Seuls les administrateurs voient le pipeline de toute l'entreprise.",
        "en": "Only admins can see the whole company's pipeline.",
    },
    "scope.team_forbidden": {
        "fr": "Seuls les managers (et administrateurs) ont une équipe à afficher.",
        "en": "Only managers (and admins) have a team to show.",
    },
    "board.title": {"fr": "Pipeline — {scope}", "en": "Pipeline — {scope}"},
    "board.of_me": {"fr": "vos opportunités", "en": "your opportunities"},
    "board.of_rep": {"fr": "<@{user}>", "en": "<@{user}>"},
    "board.of_team": {"fr": "votre équipe", "en": "your team"},
    "board.of_all": {"fr": "toute l'entreprise", "en": "the whole company"},
    "board.totals": {
        "fr": "{count} en cours · total {total} · pondéré {weighted}",
        "en": "{count} open · total {total} · weighted {weighted}",
    },
    "board.filter_process": {"fr": "processus {name}", "en": "process {name}"},
    "board.filter_origin": {"fr": "origine {name}", "en": "origin {name}"},
    "board.filter_product": {"fr": "produit {name}", "en": "product {name}"},
    "board.archived": {"fr": " (archivé)", "en": " (archived)"},
    "board.more": {"fr": "… et {count} de plus", "en": "… and {count} more"},
    "board.more_button": {"fr": "Voir la suite", "en": "See more"},
    "board.pick_stage": {"fr": "Voir les affaires d'une étape", "en": "See a stage's deals"},
    "board.stage_page": {
        "fr": "{process} › {stage} : affaires {first} à {last} sur {count}",
        "en": "{process} › {stage}: deals {first} to {last} of {count}",
    },
    "board.empty": {
        "fr": "Aucune opportunité en cours ici. `/opp nouvelle` pour en enregistrer une.",
        "en": "No open opportunities here. `/opp new` logs one.",
    },
}
