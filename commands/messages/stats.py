"""Catalog entries of `/pipeline stats`, coaching, `/opp export` and `salesbot import`."""

MESSAGES: dict[str, dict[str, str]] = {
    # --- /pipeline stats --------------------------------------------------------------
    "stats.usage": {
        "fr": "Usage : `/pipeline stats [processus <nom>] [@commercial | equipe | tous] "
        "[periode <début>..<fin>]` — par exemple `/pipeline stats equipe periode "
        "2026-01..2026-06` (années, mois `2026-03` ou jours `2026-03-15`).",
        "en": "Usage: `/pipeline stats [process <name>] [@rep | team | all] "
        "[period <from>..<to>]` — for example `/pipeline stats team period 2026-01..2026-06` "
        "(years, months `2026-03` or days `2026-03-15`).",
    },
    "stats.period_invalid": {
        "fr": "Je ne comprends pas la période « {text} ». Écrivez-la `2026-01..2026-06` "
        "(années `2026`, mois `2026-03` ou jours `2026-03-15`).",
        "en": "I don't understand the period “{text}”. Write it `2026-01..2026-06` "
        "(years `2026`, months `2026-03` or days `2026-03-15`).",
    },
    "stats.period_empty": {
        "fr": "La période « {text} » est vide : son début doit précéder sa fin (et aujourd'hui).",
        "en": "The period “{text}” is empty: it must start before it ends (and before today).",
    },
    "stats.period_too_long": {
        "fr": "La période « {text} » est trop longue : {months} mois au plus.",
        "en": "The period “{text}” is too long: {months} months at most.",
    },
    "stats.title": {"fr": "Statistiques — {scope}", "en": "Stats — {scope}"},
    "stats.period": {"fr": "du {start} au {end}", "en": "{start} to {end}"},
    "stats.empty": {
        "fr": "Aucune affaire ici pour l'instant : les statistiques viendront avec les premières.",
        "en": "No deals here yet: the stats will come with the first ones.",
    },
    "stats.headline": {
        "fr": "*Taux de réussite : {rate}* ({won} gagnées, {lost} perdues) · cycle de vente "
        "moyen : {cycle} · {created} créées · pipeline ouvert : {open}",
        "en": "*Win rate: {rate}* ({won} won, {lost} lost) · average sales cycle: {cycle} · "
        "{created} created · open pipeline: {open}",
    },
    "stats.days": {"fr": "{days} j", "en": "{days} d"},
    "stats.more_rows": {"fr": "… et {count} de plus", "en": "… and {count} more"},
    "stats.funnel_title": {
        "fr": "*Entonnoir des affaires créées sur la période, et jours passés par étape*",
        "en": "*Funnel of the deals created in the period, and days spent per stage*",
    },
    "stats.col_stage": {"fr": "Étape", "en": "Stage"},
    "stats.col_reached": {"fr": "Atteinte", "en": "Reached"},
    "stats.col_next": {"fr": "→ suiv.", "en": "→ next"},
    "stats.col_avg_days": {"fr": "Moy. j", "en": "Avg d"},
    "stats.col_median_days": {"fr": "Méd. j", "en": "Med d"},
    "stats.col_stays": {"fr": "Passages", "en": "Stays"},
    "stats.won_step": {"fr": "Gagnées", "en": "Won"},
    "stats.calibration_title": {
        "fr": "*Probabilités : configurées et constatées* (affaires clôturées sur la période)",
        "en": "*Probabilities: configured and actual* (deals closed in the period)",
    },
    "stats.col_probability": {"fr": "Proba.", "en": "Prob."},
    "stats.col_observed": {"fr": "Constaté", "en": "Actual"},
    "stats.col_sample": {"fr": "Affaires", "en": "Deals"},
    "stats.calibration_flag": {
        "fr": ":warning: *{stage}* : {probability} % configurés, mais {observed} % des "
        "{sample} affaires arrivées jusque-là ont été gagnées. Ajustez-la avec "
        "`/salesbot` pour que les prévisions restent justes.",
        "en": ":warning: *{stage}*: set at {probability} %, but {observed} % of the {sample} "
        "deals that got this far were won. Adjust it with `/salesbot` to keep the forecast "
        "honest.",
    },
    "stats.calibration_ok": {
        "fr": "Aucun écart de plus de 15 points sur au moins 20 affaires : les probabilités "
        "tiennent.",
        "en": "No gap over 15 points on at least 20 deals: the probabilities hold.",
    },
    "stats.reps_title": {"fr": "*Par commercial*", "en": "*Per rep*"},
    "stats.col_rep": {"fr": "Commercial", "en": "Rep"},
    "stats.col_created": {"fr": "Créées", "en": "Created"},
    "stats.col_won": {"fr": "Gagnées", "en": "Won"},
    "stats.col_lost": {"fr": "Perdues", "en": "Lost"},
    "stats.col_rate": {"fr": "Réussite", "en": "Win rate"},
    "stats.col_cycle": {"fr": "Cycle j", "en": "Cycle d"},
    "stats.months_title": {
        "fr": "*Créations par mois et pipeline ouvert en fin de mois*",
        "en": "*Deals created per month, and the open pipeline at each month end*",
    },
    "stats.col_month": {"fr": "Mois", "en": "Month"},
    "stats.col_open": {"fr": "Pipeline ouvert", "en": "Open pipeline"},
    "stats.origins_title": {"fr": "*Par origine*", "en": "*By origin*"},
    "stats.products_title": {"fr": "*Par famille de produit*", "en": "*By product family*"},
    "stats.col_origin": {"fr": "Origine", "en": "Origin"},
    "stats.col_product": {"fr": "Produit", "en": "Product"},
    "stats.col_won_amount": {"fr": "Gagné", "en": "Won amount"},
    "stats.unset": {"fr": "(non renseigné)", "en": "(not set)"},
    "stats.legend": {
        "fr": "Réussite = gagnées / (gagnées + perdues) parmi les affaires clôturées sur la "
        "période ; cycle = de la création à la signature. L'entonnoir suit les affaires créées "
        "sur la période jusqu'à l'étape la plus avancée de leur historique (une affaire gagnée "
        "les a toutes passées). Jours par étape : passages terminés sur la période. Pipeline "
        "en fin de mois reconstitué depuis l'historique. Jours et mois en UTC.",
        "en": "Win rate = won / (won + lost) among the deals closed in the period; cycle = "
        "from creation to signing. The funnel follows the deals created in the period to the "
        "furthest stage in their history (a won deal went through them all). Days per stage: "
        "stays that ended in the period. Month-end pipeline rebuilt from the history. Days "
        "and months in UTC.",
    },
    "stats.chart": {"fr": "Graphique", "en": "Chart"},
    "stats.see_process": {"fr": "Voir {process}", "en": "See {process}"},
    "stats.other_processes": {
        "fr": "Autres processus : {names} — `/pipeline stats processus <nom>`.",
        "en": "Other processes: {names} — `/pipeline stats process <name>`.",
    },
    "stats.chart_title": {"fr": "Statistiques du pipeline", "en": "Pipeline stats"},
    "stats.chart_comment": {
        "fr": "Statistiques en graphique : créations par mois, pipeline ouvert en fin de mois "
        "et entonnoir.",
        "en": "Stats chart: deals created per month, open pipeline at month end, and the funnel.",
    },
    "stats.chart_created": {"fr": "Créées", "en": "Created"},
    "stats.chart_open": {"fr": "Pipeline ouvert (fin de mois)", "en": "Open pipeline (month end)"},
    "stats.chart_funnel": {"fr": "Entonnoir", "en": "Funnel"},
    # --- coaching -----------------------------------------------------------------------
    "coach.title": {
        "fr": "*Coaching* — {signals} signal(aux) pour {reps} commercial(aux)",
        "en": "*Coaching* — {signals} signal(s) for {reps} rep(s)",
    },
    "coach.no_team": {
        "fr": "Personne ne vous est rattaché : rien à comparer.",
        "en": "Nobody reports to you: nothing to compare.",
    },
    "coach.col_created": {"fr": "Créées 90 j", "en": "Created 90d"},
    "coach.col_rate": {"fr": "Réussite 180 j", "en": "Win rate 180d"},
    "coach.col_stuck": {"fr": "Bloquées", "en": "Stuck"},
    "coach.col_flags": {"fr": "Signaux", "en": "Signals"},
    "coach.team": {"fr": "Équipe", "en": "Team"},
    "coach.flag_prospecting": {"fr": "prospection", "en": "prospecting"},
    "coach.flag_closing": {"fr": "conclusion", "en": "closing"},
    "coach.flag_stuck": {"fr": "bloquées", "en": "stuck"},
    "coach.none": {
        "fr": "Aucun signal : personne ne décroche nettement de l'équipe.",
        "en": "No signal: nobody is clearly behind the team.",
    },
    "coach.legend": {
        "fr": "Ligne Équipe : médianes des créations et des affaires bloquées, réussite de "
        "l'équipe. Signaux : moins de la moitié de la médiane des créations (médiane ≥ 4) ; "
        "réussite 15 points sous celle de l'équipe sur au moins 10 affaires clôturées ; au "
        "moins 5 affaires bloquées et 2 fois la médiane. Bloquée/en cours.",
        "en": "Team row: medians of deals created and stuck, the team's win rate. Signals: "
        "under half the median created (median ≥ 4); win rate 15 points under the team's on at "
        "least 10 closed deals; at least 5 stuck deals and twice the median. Stuck/open.",
    },
    "coach.prospecting": {
        "fr": "<@{user}> prospecte peu : {created} affaires créées en {days} jours, contre une "
        "médiane de {median} dans l'équipe.",
        "en": "<@{user}> is prospecting little: {created} deals created in {days} days, "
        "against a team median of {median}.",
    },
    "coach.closing": {
        "fr": "<@{user}> conclut difficilement : {rate} % de réussite sur {closed} affaires "
        "clôturées en {days} jours, contre {team_rate} % pour l'équipe.",
        "en": "<@{user}> struggles to close: a {rate} % win rate on {closed} deals closed in "
        "{days} days, against {team_rate} % for the team.",
    },
    "coach.stuck": {
        "fr": "<@{user}> a {stuck} affaires bloquées sur {open} en cours (médiane de "
        "l'équipe : {median}).",
        "en": "<@{user}> has {stuck} stuck deals out of {open} open (team median: {median}).",
    },
    # --- /opp export --------------------------------------------------------------------
    "export.usage": {
        "fr": "Usage : `/opp export [@commercial | equipe | tous] [processus <nom>] "
        "[origine <x>] [produit <x>]` — vous recevez un CSV et un fichier Excel en message "
        "privé.",
        "en": "Usage: `/opp export [@rep | team | all] [process <name>] [origin <x>] "
        "[product <x>]` — you get a CSV and an Excel file in a direct message.",
    },
    "export.started": {
        "fr": "Export de {count} affaire(s) en cours de préparation : je vous l'envoie en "
        "message privé.",
        "en": "Exporting {count} deal(s): I'll send the files in a direct message.",
    },
    "export.empty": {
        "fr": "Aucune affaire à exporter ici.",
        "en": "No deals to export here.",
    },
    "export.done": {
        "fr": "Votre export : {count} affaire(s), en CSV (UTF-8, séparateur virgule) et en "
        "Excel. Montants en {currency}, dates au format ISO, heures en UTC.",
        "en": "Your export: {count} deal(s), as CSV (UTF-8, comma-separated) and Excel. "
        "Amounts in {currency}, ISO dates, times in UTC.",
    },
    "export.too_big_for_excel": {
        "fr": "Votre export : {count} affaires, en CSV seulement (Excel s'arrête à "
        "{limit} lignes). Montants en {currency}, dates ISO, heures en UTC.",
        "en": "Your export: {count} deals, as CSV only (Excel stops at {limit} rows). Amounts "
        "in {currency}, ISO dates, times in UTC.",
    },
    "export.title": {"fr": "Affaires", "en": "Deals"},
    "export.yes": {"fr": "oui", "en": "yes"},
    "export.no": {"fr": "non", "en": "no"},
    "export.col_number": {"fr": "Numéro", "en": "Number"},
    "export.col_account": {"fr": "Compte", "en": "Account"},
    "export.col_title": {"fr": "Objet", "en": "Title"},
    "export.col_amount": {"fr": "Montant", "en": "Amount"},
    "export.col_currency": {"fr": "Devise", "en": "Currency"},
    "export.col_status": {"fr": "Statut", "en": "Status"},
    "export.col_process": {"fr": "Processus", "en": "Process"},
    "export.col_stage": {"fr": "Étape", "en": "Stage"},
    "export.col_probability": {"fr": "Probabilité", "en": "Probability"},
    "export.col_probability_override": {"fr": "Probabilité forcée", "en": "Probability override"},
    "export.col_close_date": {"fr": "Date de signature", "en": "Close date"},
    "export.col_owner": {"fr": "Commercial", "en": "Owner"},
    "export.col_owner_name": {"fr": "Nom du commercial", "en": "Owner name"},
    "export.col_origin": {"fr": "Origine", "en": "Origin"},
    "export.col_product": {"fr": "Produit", "en": "Product"},
    "export.col_need": {"fr": "Besoin exprimé", "en": "Need expressed"},
    "export.col_answer": {"fr": "Nous savons répondre", "en": "We can answer"},
    "export.col_blockers": {"fr": "Freins levés", "en": "Blockers lifted"},
    "export.col_meeting": {"fr": "Rendez-vous planifié", "en": "Meeting planned"},
    "export.col_next_step": {"fr": "Prochaine étape", "en": "Next step"},
    "export.col_next_step_date": {"fr": "Date de la prochaine étape", "en": "Next step date"},
    "export.col_lost_reason": {"fr": "Raison de la perte", "en": "Lost reason"},
    "export.col_snoozed_until": {"fr": "En veille jusqu'au", "en": "Snoozed until"},
    "export.col_created_by": {"fr": "Créée par", "en": "Created by"},
    "export.col_created_at": {"fr": "Créée le (UTC)", "en": "Created (UTC)"},
    "export.col_updated_at": {"fr": "Modifiée le (UTC)", "en": "Updated (UTC)"},
    "export.col_closed_at": {"fr": "Clôturée le (UTC)", "en": "Closed (UTC)"},
    "export.col_stage_entered_at": {
        "fr": "Dans l'étape depuis (UTC)",
        "en": "In stage since (UTC)",
    },
    # --- salesbot import ----------------------------------------------------------------
    "import.unreadable": {
        "fr": "Impossible de lire {path} : {reason}",
        "en": "Cannot read {path}: {reason}",
    },
    "import.format": {
        "fr": "Seuls les fichiers .csv et .xlsx sont acceptés ({path}).",
        "en": "Only .csv and .xlsx files are accepted ({path}).",
    },
    "import.no_rows": {
        "fr": "Le fichier ne contient aucune ligne de données.",
        "en": "The file has no data rows.",
    },
    "import.missing_column": {
        "fr": "Colonne « {column} » introuvable. En-têtes acceptés : {accepted}.",
        "en": "No “{column}” column. Accepted headers: {accepted}.",
    },
    "import.duplicate_column": {
        "fr": "Les colonnes « {first} » et « {second} » disent toutes deux « {column} » : "
        "gardez-en une.",
        "en": "Columns “{first}” and “{second}” both mean “{column}”: keep one.",
    },
    "import.required": {
        "fr": "« {column} » est vide.",
        "en": "“{column}” is empty.",
    },
    "import.status_invalid": {
        "fr": "Statut « {text} » inconnu : en cours, gagnée ou perdue.",
        "en": "Unknown status “{text}”: open, won or lost.",
    },
    "import.process_unknown": {
        "fr": "Processus « {text} » inconnu. Processus : {processes}.",
        "en": "Unknown process “{text}”. Processes: {processes}.",
    },
    "import.stage_unknown": {
        "fr": "Étape « {text} » inconnue dans « {process} ». Étapes : {stages}.",
        "en": "Unknown stage “{text}” in “{process}”. Stages: {stages}.",
    },
    "import.owner_invalid": {
        "fr": "« {text} » n'est ni un identifiant Slack (U…) ni une adresse e-mail.",
        "en": "“{text}” is neither a Slack user id (U…) nor an e-mail address.",
    },
    "import.owner_email_needs_token": {
        "fr": "« {text} » : retrouver un commercial par e-mail demande l'API Slack. "
        "Définissez SLACK_BOT_TOKEN (portée users:read.email) ou mettez son identifiant "
        "Slack (U…).",
        "en": "“{text}”: finding a rep by e-mail needs the Slack API. Set SLACK_BOT_TOKEN "
        "(scope users:read.email) or use their Slack user id (U…).",
    },
    "import.owner_email_unknown": {
        "fr": "Aucun utilisateur Slack avec l'adresse « {text} ».",
        "en": "No Slack user has the address “{text}”.",
    },
    "import.owner_email_failed": {
        "fr": "Slack n'a pas pu chercher « {text} » : {error}.",
        "en": "Slack could not look up “{text}”: {error}.",
    },
    "import.date_invalid": {
        "fr": "« {column} » : « {text} » n'est pas une date comprise.",
        "en": "“{column}”: “{text}” is not a date I understand.",
    },
    "import.date_future": {
        "fr": "« {column} » : le {date} n'est pas encore arrivé.",
        "en": "“{column}”: {date} has not come yet.",
    },
    "import.closed_before_created": {
        "fr": "Clôturée le {closed}, avant sa création le {created}.",
        "en": "Closed on {closed}, before it was created on {created}.",
    },
    "import.closed_but_open": {
        "fr": "Une affaire en cours n'a pas de date de clôture ({date}) : statut gagnée ou "
        "perdue ?",
        "en": "An open deal has no closed date ({date}): is it won or lost?",
    },
    "import.closed_date_required": {
        "fr": "Une affaire gagnée ou perdue a besoin de sa date (signature ou clôture).",
        "en": "A won or lost deal needs its date (close date or closed date).",
    },
    "import.probability_invalid": {
        "fr": "Probabilité « {text} » invalide : un nombre de 0 à 100.",
        "en": "Invalid probability “{text}”: a number from 0 to 100.",
    },
    "import.bool_invalid": {
        "fr": "« {column} » : « {text} » n'est ni oui ni non.",
        "en": "“{column}”: “{text}” is neither yes nor no.",
    },
    "import.cell_error": {
        "fr": "« {column} » : {message}",
        "en": "“{column}”: {message}",
    },
    "import.line": {"fr": "ligne {line} : {message}", "en": "line {line}: {message}"},
    "import.more_errors": {
        "fr": "… et {count} autre(s) erreur(s).",
        "en": "… and {count} more error(s).",
    },
    "import.refused": {
        "fr": "Rien n'a été importé : {count} erreur(s) à corriger dans le fichier.",
        "en": "Nothing was imported: {count} error(s) to fix in the file.",
    },
    "import.columns": {"fr": "Colonnes reconnues : {columns}", "en": "Columns matched: {columns}"},
    "import.ignored": {
        "fr": "Colonnes ignorées : {columns}",
        "en": "Columns ignored: {columns}",
    },
    "import.summary": {
        "fr": "{rows} affaire(s) ({open} en cours, {won} gagnée(s), {lost} perdue(s)) · "
        "{accounts} nouveau(x) compte(s) · {members} nouveau(x) commercial(aux).",
        "en": "{rows} deal(s) ({open} open, {won} won, {lost} lost) · {accounts} new "
        "account(s) · {members} new rep(s).",
    },
    "import.dry_run": {
        "fr": "Essai à blanc : tout est valide, rien n'a été écrit. Relancez sans --dry-run "
        "pour importer.",
        "en": "Dry run: everything is valid, nothing was written. Run again without --dry-run "
        "to import.",
    },
    "import.done": {
        "fr": "Importé : affaires #{first} à #{last}.",
        "en": "Imported: deals #{first} to #{last}.",
    },
    # --- salesbot import: other CRMs' exports (issue 17) ------------------------------
    "import.source": {"fr": "Export {source} reconnu.", "en": "{source} export recognised."},
    "import.header_line": {
        "fr": "En-têtes lus ligne {line}.",
        "en": "Headers read on line {line}.",
    },
    "import.hidden": {
        "fr": "Colonnes masquées, ignorées : {columns}",
        "en": "Hidden columns, ignored: {columns}",
    },
    "import.date_order_dmy": {
        "fr": "Dates lues jour, mois, année (31/03/2027).",
        "en": "Dates read day, month, year (31/03/2027).",
    },
    "import.date_order_mdy": {
        "fr": "Dates lues mois, jour, année (03/31/2027).",
        "en": "Dates read month, day, year (03/31/2027).",
    },
    "import.col_won_date": {"fr": "Gagnée le", "en": "Won on"},
    "import.col_lost_date": {"fr": "Perdue le", "en": "Lost on"},
    "import.team_unknown": {
        "fr": "L'équipe {team} n'a jamais utilisé le bot : rien n'a été importé. Équipes "
        "connues : {teams}.",
        "en": "Team {team} has never used the bot: nothing was imported. Known teams: {teams}.",
    },
    "import.no_team_yet": {
        "fr": "L'équipe {team} n'a jamais utilisé le bot, ni aucune autre : ouvrez-le une "
        "première fois dans Slack, puis relancez l'import.",
        "en": "Team {team} has never used the bot, nor has any other: open it once in Slack, "
        "then run the import again.",
    },
    "import.stage_status_conflict": {
        "fr": "Statut « {status} » mais étape « {stage} » : lequel croire ?",
        "en": "Status “{status}” but stage “{stage}”: which one is right?",
    },
    "import.too_many_stages": {
        "fr": "« {process} » dépasserait {max} étapes avec les {count} du fichier.",
        "en": "“{process}” would have more than {max} stages with the file's {count}.",
    },
    "import.map_syntax": {
        "fr": "--map : « {text} » ne se lit pas ; écrivez « En-tête=champ ».",
        "en": "--map: cannot read “{text}”; write “Header=field”.",
    },
    "import.map_field": {
        "fr": "--map : champ « {name} » inconnu. Champs : {fields}.",
        "en": "--map: unknown field “{name}”. Fields: {fields}.",
    },
    "import.map_header": {
        "fr": "--map : le fichier n'a pas de colonne « {header} ».",
        "en": "--map: the file has no “{header}” column.",
    },
    "import.stages_create": {
        "fr": "Étapes créées par --create-stages :",
        "en": "Stages --create-stages creates:",
    },
    "import.stages_unknown": {
        "fr": "Étapes inconnues (--create-stages les ajoute) :",
        "en": "Unknown stages (--create-stages adds them):",
    },
    "import.stages_line": {
        "fr": "  {process} : {stages}",
        "en": "  {process}: {stages}",
    },
    "import.stages_line_new": {
        "fr": "  {process} (nouveau processus) : {stages}",
        "en": "  {process} (new process): {stages}",
    },
    "import.owners": {
        "fr": "Commerciaux retrouvés par e-mail : {owners}",
        "en": "Reps found by e-mail: {owners}",
    },
    "import.overdue": {
        "fr": "Affaires en cours dont la date de signature est passée (en retard) : {count}",
        "en": "Open deals past their close date (overdue): {count}",
    },
    "import.skipped": {
        "fr": "Lignes laissées de côté, dans une autre devise que {currency} : {count} "
        "({currencies})",
        "en": "Rows left out, in another currency than {currency}: {count} ({currencies})",
    },
    "import.currency_hint": {
        "fr": "Les lignes dans une autre devise que {currency} sont refusées ; "
        "--skip-other-currencies les laisse de côté.",
        "en": "Rows in another currency than {currency} are refused; --skip-other-currencies "
        "leaves them out.",
    },
}
