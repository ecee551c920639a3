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
    "forecast.title": {
        "fr": "Prévisions — {scope}, {months} mois",
        "en": "Forecast — {scope}, {months} months",
    },
    "forecast.col_month": {"fr": "Mois", "en": "Month"},
    "forecast.col_deals": {"fr": "Affaires", "en": "Deals"},
    "forecast.col_total": {"fr": "Total", "en": "Total"},
    "forecast.col_weighted": {"fr": "Pondéré", "en": "Weighted"},
    "forecast.col_won": {"fr": "Gagné", "en": "Won"},
    "forecast.col_target": {"fr": "Objectif", "en": "Target"},
    "forecast.col_gap": {"fr": "Écart", "en": "Gap"},
    "forecast.overdue": {
        "fr": ":warning: *En retard* : {count} affaires en cours dont la date de signature est "
        "passée — total {total}, pondéré {weighted}. Mettez leur date à jour ou clôturez-les.",
        "en": ":warning: *Overdue*: {count} open deals whose close date has passed — total "
        "{total}, weighted {weighted}. Update their date or close them.",
    },
    "forecast.weak_target": {
        "fr": ":small_red_triangle_down: *{month}* : il manque {gap} pour atteindre l'objectif.",
        "en": ":small_red_triangle_down: *{month}*: {gap} short of the target.",
    },
    "forecast.weak_average": {
        "fr": ":small_red_triangle_down: *{month}* s'annonce difficile : bien en dessous de la "
        "moyenne de la période ({average}). C'est le moment de lancer une action.",
        "en": ":small_red_triangle_down: *{month}* looks hard: well under the period's average "
        "({average}). Time to start a campaign.",
    },
    "forecast.legend": {
        "fr": "Par date de signature prévue. Pondéré = montant × probabilité, arrondi par affaire. "
        "Écart = objectif − (gagné + pondéré).",
        "en": "By expected close date. Weighted = amount × probability, rounded per deal. "
        "Gap = target − (won + weighted).",
    },
    "forecast.chart": {"fr": "Graphique", "en": "Chart"},
    "forecast.chart_title": {"fr": "Prévisions par mois", "en": "Forecast by month"},
    "forecast.chart_comment": {
        "fr": "Prévisions en graphique : pondéré, total et objectif par mois.",
        "en": "Forecast chart: weighted, total and target per month.",
    },
    "home.title": {"fr": "salesbot — votre pipeline", "en": "salesbot — your pipeline"},
    "home.new": {"fr": "Nouvelle opportunité", "en": "New opportunity"},
    "home.pipeline": {"fr": "Pipeline", "en": "Pipeline"},
    "home.forecast": {"fr": "Prévisions", "en": "Forecast"},
    "home.me": {"fr": "Moi", "en": "Me"},
    "home.team": {"fr": "Toute mon équipe", "en": "My whole team"},
    "home.pick": {"fr": "Voir le pipeline de…", "en": "See the pipeline of…"},
    "home.pipeline_of": {"fr": "Pipeline — {scope}", "en": "Pipeline — {scope}"},
    "home.forecast_title": {"fr": "Les 3 prochains mois", "en": "The next 3 months"},
    "home.attention": {
        "fr": "À traiter : {count} affaires bloquées ou en retard",
        "en": "Needs attention: {count} stuck or overdue deals",
    },
    "home.all_good": {
        "fr": "Rien de bloqué ni en retard. Bravo !",
        "en": "Nothing stuck or overdue. Well done!",
    },
    "target.usage": {
        "fr": "Usage : `/salesbot objectif @commercial|equipe|tous 2027-03 20000` "
        "(`off` pour retirer l'objectif).",
        "en": "Usage: `/salesbot target @rep|team|all 2027-03 20000` (`off` removes it).",
    },
    "target.month_invalid": {
        "fr": "« {text} » n'est pas un mois à venir (écrivez-le 2027-03).",
        "en": "“{text}” is not an upcoming month (write it 2027-03).",
    },
    "target.forbidden": {
        "fr": "Vous ne pouvez fixer des objectifs que pour votre équipe (managers) ou pour "
        "tous (administrateurs).",
        "en": "You can only set targets for your team (managers) or for everyone (admins).",
    },
    "target.set": {
        "fr": "Objectif de {who} pour {month} : {amount}.",
        "en": "Target for {who} in {month}: {amount}.",
    },
    "target.removed": {
        "fr": "Objectif de {who} pour {month} retiré.",
        "en": "Target for {who} in {month} removed.",
    },
}
