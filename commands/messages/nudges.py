"""Catalog entries of nudges, follow-ups, weekly digests and the outbox (see commands.messages)."""

MESSAGES: dict[str, dict[str, str]] = {
    # --- the daily nudge ---------------------------------------------------------------------
    "nudge.intro": {
        "fr": ":wave: Bonjour ! *{count} opportunité(s)* demandent votre attention aujourd'hui, "
        "les plus importantes d'abord :",
        "en": ":wave: Good morning! *{count} deal(s)* need your attention today, most valuable "
        "first:",
    },
    "nudge.reason_stuck": {
        "fr": "{days} j en « {stage} » (d'habitude, on en sort avant {threshold} j)",
        "en": "{days} days in “{stage}” (deals usually move on within {threshold} days)",
    },
    "nudge.reason_stuck_twice": {
        "fr": "{days} j en « {stage} », deux fois plus que d'habitude ({threshold} j) : votre "
        "manager en est informé",
        "en": "{days} days in “{stage}”, twice the usual {threshold} days: your manager is told",
    },
    "nudge.reason_stuck_long": {
        "fr": "{days} j en « {stage} », deux fois plus que d'habitude ({threshold} j)",
        "en": "{days} days in “{stage}”, twice the usual {threshold} days",
    },
    "nudge.reason_slipped": {
        "fr": "date de signature dépassée ({date})",
        "en": "close date passed ({date})",
    },
    "nudge.reason_next_step": {
        "fr": "prochaine étape en retard : {step} ({date})",
        "en": "next step overdue: {step} ({date})",
    },
    "nudge.close_date_placeholder": {
        "fr": "Nouvelle date de signature",
        "en": "New close date",
    },
    "nudge.snooze_placeholder": {"fr": "Mettre en veille…", "en": "Snooze…"},
    "nudge.snooze_days": {"fr": "{days} jours", "en": "{days} days"},
    "nudge.snooze_until_placeholder": {
        "fr": "En veille jusqu'au…",
        "en": "Snooze until…",
    },
    "nudge.more": {
        "fr": "+{count} autre(s) demain (ou tout de suite : `/opp liste`)",
        "en": "+{count} more tomorrow (or right now: `/opp list`)",
    },
    "nudge.footer": {
        "fr": "Un message par jour ouvré au plus. `/salesbot relances off` pour les couper, "
        "`/salesbot relances heure 08:30` pour changer l'heure.",
        "en": "At most one message per working day. `/salesbot nudges off` to stop them, "
        "`/salesbot nudges hour 08:30` to change the time.",
    },
    "nudge.close_date_set": {
        "fr": "#{number} : signature prévue le {date}.",
        "en": "#{number}: expected to close on {date}.",
    },
    "nudge.escalation_intro": {
        "fr": ":rotating_light: Des opportunités de <@{rep}> sont bloquées deux fois plus "
        "longtemps que d'habitude ({count}) ; <@{rep}> a été relancé(e) :",
        "en": ":rotating_light: Deals of <@{rep}> have been stuck twice as long as usual "
        "({count}); <@{rep}> was nudged:",
    },
    "nudge.escalation_footer": {
        "fr": "Vous recevez ce message parce que votre synthèse hebdomadaire est coupée "
        "(`/salesbot synthese on` pour la recevoir, ces alertes y figureront).",
        "en": "You get this message because your weekly digest is off (`/salesbot digest on` to "
        "get it; these alerts will be in it).",
    },
    # --- /opp snooze -------------------------------------------------------------------------
    "nudge.usage_snooze": {
        "fr": "Usage : `/opp veille #12 <durée ou date>`, par exemple `/opp veille #12 2 "
        "semaines` ou `/opp veille #12 15/04`.",
        "en": "Usage: `/opp snooze #12 <duration or date>`, e.g. `/opp snooze #12 2 weeks` or "
        "`/opp snooze #12 15/04`.",
    },
    "nudge.snooze_invalid": {
        "fr": "« {text} » : indiquez une durée (`3`, `7 j`, `2 semaines`) ou une date à venir, "
        "{max} jours au plus.",
        "en": "“{text}”: give a duration (`3`, `7 days`, `2 weeks`) or a date in the future, "
        "{max} days at most.",
    },
    # --- /salesbot nudges --------------------------------------------------------------------
    "nudge.state_on": {"fr": "activées", "en": "on"},
    "nudge.state_off": {"fr": "coupées", "en": "off"},
    "nudge.settings_line": {
        "fr": "Vos relances : *{state}*, chaque jour ouvré à {time} (à votre heure).",
        "en": "Your nudges: *{state}*, every working day at {time} (your local time).",
    },
    "nudge.settings_hint": {
        "fr": "`/salesbot relances on|off` · `/salesbot relances heure 08:30` · mettre une "
        "opportunité en veille : `/opp veille #12 2 semaines`",
        "en": "`/salesbot nudges on|off` · `/salesbot nudges hour 08:30` · snooze a deal: "
        "`/opp snooze #12 2 weeks`",
    },
    "nudge.turned_on": {
        "fr": "C'est noté : je vous relancerai sur les opportunités qui attendent.",
        "en": "Done: I will nudge you about the deals that are waiting.",
    },
    "nudge.turned_off": {
        "fr": "C'est noté : plus de relances quotidiennes.",
        "en": "Done: no more daily nudges.",
    },
    "nudge.hour_set": {"fr": "Heure des relances changée.", "en": "Nudge time changed."},
    "nudge.usage_settings": {
        "fr": "Usage : `/salesbot relances on`, `/salesbot relances off` ou "
        "`/salesbot relances heure 08:30`.",
        "en": "Usage: `/salesbot nudges on`, `/salesbot nudges off` or "
        "`/salesbot nudges hour 08:30`.",
    },
    "nudge.time_invalid": {
        "fr": "« {text} » n'est pas une heure : par exemple `08:30` ou `9h`.",
        "en": "“{text}” is not a time: e.g. `08:30` or `9`.",
    },
    "nudge.digest_managers_only": {
        "fr": "La synthèse hebdomadaire est celle d'une équipe : réservée aux managers (et aux "
        "administrateurs qui ont une équipe).",
        "en": "The weekly digest is about a team: for managers (and admins with a team).",
    },
    # --- the stuck threshold in /salesbot processes -------------------------------------------
    "nudge.threshold_admin": {
        "fr": " · bloquée après {days} j (fixé par un administrateur)",
        "en": " · stuck after {days} d (set by an admin)",
    },
    "nudge.threshold_learned": {
        "fr": " · bloquée après {days} j (appris : {percentile}e centile de {stays} passages, "
        "{observed} j)",
        "en": " · stuck after {days} d (learned: {percentile}th percentile of {stays} stays, "
        "{observed} d)",
    },
    "nudge.threshold_default": {
        "fr": " · bloquée après {days} j (par défaut : {stays} passage(s) sur {needed} pour "
        "apprendre)",
        "en": " · stuck after {days} d (default: {stays} of {needed} stays needed to learn)",
    },
    "nudge.help": {
        "fr": "*Relances et synthèses*\n"
        "• `/salesbot relances on|off` · `/salesbot relances heure 08:30` : vos relances "
        "quotidiennes\n"
        "• `/opp veille #12 2 semaines` (ou une date) : pas de relance sur #12 d'ici là\n"
        "• `/salesbot synthese #canal|dm lundi 08:30` · `off` : la synthèse hebdomadaire de "
        "votre équipe (managers)\n"
        "• `/salesbot suivi ajouter <processus> gagnée 30 <texte>` · `suivi ajouter <processus> "
        "étape <étape> 7 <texte>` · `suivi liste` · `suivi retirer #1` (administrateurs)\n"
        "• `/salesbot envois [reessayer]` : les messages qui n'ont pas pu partir "
        "(administrateurs)",
        "en": "*Nudges and digests*\n"
        "• `/salesbot nudges on|off` · `/salesbot nudges hour 08:30`: your daily nudges\n"
        "• `/opp snooze #12 2 weeks` (or a date): no nudge about #12 until then\n"
        "• `/salesbot digest #channel|dm monday 08:30` · `off`: your team's weekly digest "
        "(managers)\n"
        "• `/salesbot followup add <process> won 30 <text>` · `followup add <process> stage "
        "<stage> 7 <text>` · `followup list` · `followup remove #1` (admins)\n"
        "• `/salesbot outbox [retry]`: messages that could not be delivered (admins)",
    },
    # --- the weekly digest --------------------------------------------------------------------
    "digest.title": {
        "fr": "Synthèse de la semaine — votre équipe",
        "en": "Weekly digest — your team",
    },
    "digest.period": {"fr": "Du {since} au {until}", "en": "From {since} to {until}"},
    "digest.pipeline": {
        "fr": "*Pipeline en cours* : {count} opportunités · {total} · pondéré {weighted}",
        "en": "*Open pipeline*: {count} deals · {total} · weighted {weighted}",
    },
    "digest.change": {
        "fr": "Depuis la dernière synthèse : {count} opportunités · {total} · pondéré {weighted}",
        "en": "Since the last digest: {count} deals · {total} · weighted {weighted}",
    },
    "digest.change_none": {
        "fr": "Première synthèse : l'évolution apparaîtra la semaine prochaine.",
        "en": "First digest: the change will show next week.",
    },
    "digest.reps_title": {
        "fr": "*Par commercial, sur la semaine* : créées (prospection), gagnées / perdues et "
        "taux de transformation (closing), avancées",
        "en": "*Per rep, this week*: created (prospecting), won / lost and win rate (closing), "
        "advanced",
    },
    "digest.col_rep": {"fr": "Commercial", "en": "Rep"},
    "digest.col_open": {"fr": "Cours", "en": "Open"},
    "digest.col_new": {"fr": "Créées", "en": "New"},
    "digest.col_won": {"fr": "Gagn.", "en": "Won"},
    "digest.col_lost": {"fr": "Perd.", "en": "Lost"},
    "digest.col_rate": {"fr": "Taux", "en": "Win%"},
    "digest.col_advanced": {"fr": "Avanc.", "en": "Adv."},
    "digest.col_won_amount": {"fr": "Signé", "en": "Won €"},
    "digest.team_line": {"fr": "Équipe", "en": "Team"},
    "digest.reps_more": {"fr": "+{count} autres", "en": "+{count} more"},
    "digest.slipped_title": {
        "fr": "*Opportunités qui ont glissé cette semaine* ({count})",
        "en": "*Deals that slipped this week* ({count})",
    },
    "digest.slipped_pushed": {
        "fr": "signature repoussée du {before} au {after}",
        "en": "close date pushed from {before} to {after}",
    },
    "digest.slipped_passed": {
        "fr": "date de signature passée ({date})",
        "en": "close date passed ({date})",
    },
    "digest.stuck_title": {
        "fr": "*Opportunités bloquées* ({count}), les plus anciennes d'abord",
        "en": "*Stuck deals* ({count}), longest first",
    },
    "digest.stuck_line": {
        "fr": "{days} j en « {stage} » (seuil {threshold} j)",
        "en": "{days} days in “{stage}” (threshold {threshold} days)",
    },
    "digest.stuck_twice": {
        "fr": ":rotating_light: deux fois le seuil",
        "en": ":rotating_light: twice the threshold",
    },
    "digest.none": {"fr": "Aucune.", "en": "None."},
    "digest.more": {"fr": "+{count} autres", "en": "+{count} more"},
    "digest.forecast_title": {
        "fr": "*Prévision des 3 prochains mois* (signé + pondéré, face aux objectifs)",
        "en": "*Forecast, next 3 months* (won + weighted, against targets)",
    },
    "digest.forecast_line": {
        "fr": "{month} : attendu {expected}, objectif {target} (écart {gap})",
        "en": "{month}: expected {expected}, target {target} (gap {gap})",
    },
    "digest.forecast_no_target": {
        "fr": "{month} : attendu {expected}, pas d'objectif",
        "en": "{month}: expected {expected}, no target",
    },
    "digest.forecast_overdue": {
        "fr": ":warning: {count} opportunités en retard sur leur date de signature ({total}), "
        "hors prévision.",
        "en": ":warning: {count} deals past their close date ({total}), not in the forecast.",
    },
    "digest.coaching_title": {"fr": "*Pistes de coaching*", "en": "*Coaching signals*"},
    "digest.footer": {
        "fr": "Réglages : `/salesbot synthese #canal|dm lundi 08:30` · `/salesbot synthese off`",
        "en": "Settings: `/salesbot digest #channel|dm monday 08:30` · `/salesbot digest off`",
    },
    "digest.fallback": {
        "fr": "Synthèse de la semaine : {count} opportunités en cours, {total}",
        "en": "Weekly digest: {count} open deals, {total}",
    },
    "digest.chart_title": {
        "fr": "Prévision de l'équipe, 3 mois",
        "en": "Team forecast, 3 months",
    },
    "digest.chart_comment": {
        "fr": "La prévision de votre équipe en image.",
        "en": "Your team's forecast as a chart.",
    },
    # --- /salesbot digest ----------------------------------------------------------------------
    "digest.turned_on": {"fr": "Synthèse réactivée.", "en": "Digest turned back on."},
    "digest.turned_off": {
        "fr": "Synthèse coupée : les alertes sur les opportunités bloquées vous arriveront "
        "par message.",
        "en": "Digest off: alerts about stuck deals will reach you as messages.",
    },
    "digest.set": {"fr": "Synthèse réglée.", "en": "Digest set."},
    "digest.settings_off": {
        "fr": "Votre synthèse hebdomadaire est *coupée*.",
        "en": "Your weekly digest is *off*.",
    },
    "digest.settings_line": {
        "fr": "Votre synthèse hebdomadaire : {where}, le {weekday} à {time} (à votre heure).",
        "en": "Your weekly digest: {where}, on {weekday} at {time} (your local time).",
    },
    "digest.where_dm": {"fr": "en message direct", "en": "as a direct message"},
    "digest.where_channel": {"fr": "dans <#{channel}>", "en": "in <#{channel}>"},
    "digest.weekday_0": {"fr": "lundi", "en": "Monday"},
    "digest.weekday_1": {"fr": "mardi", "en": "Tuesday"},
    "digest.weekday_2": {"fr": "mercredi", "en": "Wednesday"},
    "digest.weekday_3": {"fr": "jeudi", "en": "Thursday"},
    "digest.weekday_4": {"fr": "vendredi", "en": "Friday"},
    "digest.weekday_5": {"fr": "samedi", "en": "Saturday"},
    "digest.weekday_6": {"fr": "dimanche", "en": "Sunday"},
    "digest.settings_hint": {
        "fr": "`/salesbot synthese #canal|dm <jour> <hh:mm>` · `/salesbot synthese off|on` "
        "(invitez-moi d'abord dans le canal)",
        "en": "`/salesbot digest #channel|dm <weekday> <hh:mm>` · `/salesbot digest off|on` "
        "(invite me to the channel first)",
    },
    "digest.no_team": {
        "fr": "Personne ne vous est encore rattaché : pas de synthèse tant que votre équipe est "
        "vide (`/salesbot equipe`).",
        "en": "Nobody reports to you yet: no digest until your team has someone "
        "(`/salesbot team`).",
    },
    "digest.usage": {
        "fr": "« {word} » ? Par exemple : `/salesbot synthese #ventes lundi 08:30`, "
        "`/salesbot synthese dm vendredi 17:00` ou `/salesbot synthese off`.",
        "en": "“{word}”? For example: `/salesbot digest #sales monday 08:30`, "
        "`/salesbot digest dm friday 17:00` or `/salesbot digest off`.",
    },
    # --- follow-ups ----------------------------------------------------------------------------
    "followup.intro": {
        "fr": ":pushpin: *{count} suivi(s)* à faire aujourd'hui :",
        "en": ":pushpin: *{count} follow-up(s)* to do today:",
    },
    "followup.more": {
        "fr": "+{count} autre(s) demain",
        "en": "+{count} more tomorrow",
    },
    "followup.done_button": {"fr": "Fait", "en": "Done"},
    "followup.done": {
        "fr": ":white_check_mark: Fait (<@{user}>)",
        "en": ":white_check_mark: Done (<@{user}>)",
    },
    "followup.already_done": {
        "fr": ":white_check_mark: Déjà fait (<@{user}>)",
        "en": ":white_check_mark: Already done (<@{user}>)",
    },
    "followup.not_found": {
        "fr": "Ce suivi n'existe plus.",
        "en": "This follow-up no longer exists.",
    },
    "followup.title": {"fr": "Suivis programmés", "en": "Scheduled follow-ups"},
    "followup.rule_won": {
        "fr": "#{id} · {process} : {days} j après la signature — {text}",
        "en": "#{id} · {process}: {days} days after a win — {text}",
    },
    "followup.rule_stage": {
        "fr": "#{id} · {process} : {days} j après l'entrée en « {stage} » — {text}",
        "en": "#{id} · {process}: {days} days after entering “{stage}” — {text}",
    },
    "followup.none": {"fr": "Aucun pour l'instant.", "en": "None yet."},
    "followup.hint": {
        "fr": '`/salesbot suivi ajouter "<processus>" gagnée 30 Appeler pour vérifier la '
        "satisfaction` · `/salesbot suivi ajouter <processus> étape <étape> 7 <texte>` · "
        "`/salesbot suivi retirer #1`",
        "en": '`/salesbot followup add "<process>" won 30 Call to check the customer is '
        "satisfied` · `/salesbot followup add <process> stage <stage> 7 <text>` · "
        "`/salesbot followup remove #1`",
    },
    "followup.added_won": {
        "fr": "Suivi #{id} ajouté : {days} j après chaque signature en « {process} ».",
        "en": "Follow-up #{id} added: {days} days after each win in “{process}”.",
    },
    "followup.added_stage": {
        "fr": "Suivi #{id} ajouté : {days} j après chaque entrée en « {stage} » (« {process} »).",
        "en": "Follow-up #{id} added: {days} days after each deal enters “{stage}” (“{process}”).",
    },
    "followup.removed": {
        "fr": "Suivi #{id} retiré (ceux déjà programmés partiront quand même).",
        "en": "Follow-up #{id} removed (those already scheduled will still go out).",
    },
    "followup.usage": {
        "fr": "Usage : `/salesbot suivi ajouter <processus> gagnée <jours> <texte>`, "
        "`/salesbot suivi ajouter <processus> étape <étape> <jours> <texte>`, "
        "`/salesbot suivi liste` ou `/salesbot suivi retirer #1`.",
        "en": "Usage: `/salesbot followup add <process> won <days> <text>`, "
        "`/salesbot followup add <process> stage <stage> <days> <text>`, "
        "`/salesbot followup list` or `/salesbot followup remove #1`.",
    },
    "followup.days_invalid": {
        "fr": "« {value} » n'est pas un nombre de jours (0 à {max}).",
        "en": "“{value}” is not a number of days (0 to {max}).",
    },
    "followup.process_unknown": {
        "fr": "Aucun processus « {process} ». Processus : {processes}.",
        "en": "No process “{process}”. Processes: {processes}.",
    },
    "followup.stage_unknown": {
        "fr": "Aucune étape « {stage} » dans « {process} ». Étapes : {stages}.",
        "en": "No stage “{stage}” in “{process}”. Stages: {stages}.",
    },
    "followup.text_required": {
        "fr": "Dites quoi faire : `… 30 Appeler pour vérifier la satisfaction`.",
        "en": "Say what to do: `… 30 Call to check the customer is satisfied`.",
    },
    "followup.too_many": {
        "fr": "{max} suivis au plus : retirez-en un d'abord.",
        "en": "{max} follow-ups at most: remove one first.",
    },
    "followup.rule_unknown": {
        "fr": "Aucun suivi #{id}. `/salesbot suivi liste` les montre.",
        "en": "No follow-up #{id}. `/salesbot followup list` shows them.",
    },
    # --- the outbox ------------------------------------------------------------------------------
    "outbox.title": {"fr": "Envois des 7 derniers jours", "en": "Deliveries, last 7 days"},
    "outbox.counts": {
        "fr": "{sent} envoyés · {pending} en attente · {failed} abandonnés · {skipped} sans objet",
        "en": "{sent} sent · {pending} pending · {failed} given up · {skipped} with nothing to say",
    },
    "outbox.failed_title": {
        "fr": "*Abandonnés* ({count}), les plus récents d'abord :",
        "en": "*Given up* ({count}), most recent first:",
    },
    "outbox.failed_line": {
        "fr": "{kind} pour <@{user}> ({period}) : `{error}` après {attempts} tentative(s)",
        "en": "{kind} for <@{user}> ({period}): `{error}` after {attempts} attempt(s)",
    },
    "outbox.retry_hint": {
        "fr": "`/salesbot envois reessayer` les remet en file.",
        "en": "`/salesbot outbox retry` queues them again.",
    },
    "outbox.retried": {
        "fr": "{count} envoi(s) remis en file.",
        "en": "{count} message(s) queued again.",
    },
    "outbox.none_failed": {"fr": "Aucun envoi abandonné.", "en": "Nothing was given up."},
    "outbox.usage": {
        "fr": "Usage : `/salesbot envois` ou `/salesbot envois reessayer`.",
        "en": "Usage: `/salesbot outbox` or `/salesbot outbox retry`.",
    },
    "outbox.kind_nudge": {"fr": "Relance", "en": "Nudge"},
    "outbox.kind_digest": {"fr": "Synthèse", "en": "Digest"},
    "outbox.kind_followup": {"fr": "Suivi", "en": "Follow-up"},
    "outbox.kind_escalation": {"fr": "Alerte manager", "en": "Manager alert"},
}
