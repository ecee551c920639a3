"""Catalog entries of `/opp` (see commands.messages)."""

MESSAGES: dict[str, dict[str, str]] = {
    # --- refusals ---------------------------------------------------------------------
    "opp.unknown_subcommand": {
        "fr": "Je ne connais pas « {word} ». Tapez `/opp aide` pour voir ce que je sais faire.",
        "en": "I don't know “{word}”. Type `/opp help` to see what I can do.",
    },
    "opp.ref_invalid": {
        "fr": "« {ref} » n'est pas un numéro d'opportunité. Écrivez-le `#12`.",
        "en": "“{ref}” is not an opportunity number. Write it like `#12`.",
    },
    "opp.not_found": {
        "fr": "Aucune opportunité #{number} dans cet espace de travail.",
        "en": "There is no opportunity #{number} in this workspace.",
    },
    "opp.show_usage": {
        "fr": "Quelle opportunité ? Par exemple : `/opp voir #12`.",
        "en": "Which opportunity? For example: `/opp show #12`.",
    },
    "opp.list_usage": {
        "fr": "Pour la liste d'un commercial, mentionnez-le : `/opp liste @marie`.",
        "en": "To list a rep's deals, mention them: `/opp list @marie`.",
    },
    "opp.list_forbidden": {
        "fr": "Vous ne pouvez voir que vos propres opportunités (et celles de votre équipe si "
        "vous êtes manager). Les opportunités de <@{user}> ne vous sont pas accessibles.",
        "en": "You can only see your own opportunities (and your team's if you are a manager). "
        "<@{user}>'s opportunities are not available to you.",
    },
    "opp.account_usage": {
        "fr": "Quel compte ? Par exemple : `/opp compte Dupond`.",
        "en": "Which account? For example: `/opp account Dupond`.",
    },
    "opp.account_not_found": {
        "fr": "Aucun compte « {name} ». Comptes proches : {suggestions}.",
        "en": "No account “{name}”. Close matches: {suggestions}.",
    },
    "opp.title_required": {
        "fr": "Dites ce qui est vendu (par exemple « Peinture anti-polluants »).",
        "en": "Say what is being sold (for example “Anti-pollution paint”).",
    },
    "opp.close_date_required": {
        "fr": "Choisissez une date de signature prévue.",
        "en": "Pick an expected signing date.",
    },
    "opp.stage_invalid": {
        "fr": "Cette étape n'existe pas (ou plus) : choisissez-en une dans la liste.",
        "en": "This stage does not exist (any more): pick one from the list.",
    },
    "opp.account_invalid": {
        "fr": "Ce compte n'existe pas : choisissez-le dans la liste ou tapez un nouveau nom.",
        "en": "This account does not exist: pick it from the list or type a new name.",
    },
    "opp.account_required": {
        "fr": "Indiquez le compte (le client ou le prospect).",
        "en": "Enter the account (the customer or prospect).",
    },
    "opp.currency_mismatch": {
        "fr": "Cet espace de travail compte en {currency} ; un montant en {typed} fausserait "
        "les totaux. Indiquez le montant en {currency}.",
        "en": "This workspace counts in {currency}; an amount in {typed} would skew the totals. "
        "Enter the amount in {currency}.",
    },
    "opp.quick_amount_not_positive": {
        "fr": "Rien n’a été enregistré : j’ai lu « {text} » comme le montant, qui doit être "
        "supérieur à zéro. Le reste se lit ainsi : compte {account}, objet {title}.",
        "en": "Nothing was saved: I read “{text}” as the amount, which must be greater than "
        "zero. The rest reads: account {account}, title {title}.",
    },
    "opp.quick_amount_too_large": {
        "fr": "Rien n’a été enregistré : j’ai lu « {text} » comme le montant, qui dépasse le "
        "maximum accepté (1 000 milliards). Le reste se lit ainsi : compte {account}, "
        "objet {title}.",
        "en": "Nothing was saved: I read “{text}” as the amount, which is more than the largest "
        "accepted (1 trillion). The rest reads: account {account}, title {title}.",
    },
    "opp.field_too_long": {
        "fr": "Trop long : {max} caractères au plus.",
        "en": "Too long: {max} characters at most.",
    },
    "opp.no_process": {
        "fr": "Aucun processus de vente actif : demandez à un administrateur d'en créer un.",
        "en": "No active sales process: ask an admin to create one.",
    },
    # --- help -------------------------------------------------------------------------
    "opp.help": {
        "fr": "*Vos opportunités, depuis Slack*\n"
        "• `/opp nouvelle` : ouvre le formulaire d'une opportunité qualifiée\n"
        "• `/opp nouvelle Dupond 6000€ Peinture anti-polluants signature début octobre` : "
        "la crée en une ligne (compte, montant, ce qui est vendu, date de signature)\n"
        "• `/opp liste [@commercial]` : les opportunités en cours\n"
        "• `/opp voir #12` : la fiche complète, avec l'historique\n"
        "• `/opp compte Dupond` : les opportunités d'un compte, en cours et passées\n"
        "• `/opp deplacer|suivant|gagne|perdu|rouvrir #12`, `/opp modifier #12 montant 7500`, "
        "`/opp veille #12 7j`, `/opp exporter`\n"
        "• `/pipeline`, `/pipeline stats`, `/forecast` : le tableau, les statistiques, les "
        "prévisions\n"
        "Montants : `6000`, `6 000 €`, `6k`, `6,5k`, `1.2M`. Dates : `15/10`, "
        "`fin novembre`, `début octobre`, `T2`, `le mois prochain`.\n"
        "Une opportunité est *qualifiée* quand le besoin est clairement exprimé, que nous "
        "savons y répondre, que les principaux freins sont levés et qu'un prochain rendez-vous "
        "est planifié.",
        "en": "*Your opportunities, from Slack*\n"
        "• `/opp new`: opens the form for a qualified opportunity\n"
        "• `/opp new Acme 6000€ Anti-pollution paint close early October`: creates it in one "
        "line (account, amount, what is sold, signing date)\n"
        "• `/opp list [@rep]`: open opportunities\n"
        "• `/opp show #12`: the full card, with its history\n"
        "• `/opp account Acme`: an account's opportunities, open and past\n"
        "• `/opp move|next|won|lost|reopen #12`, `/opp edit #12 amount 7500`, "
        "`/opp snooze #12 7d`, `/opp export`\n"
        "• `/pipeline`, `/pipeline stats`, `/forecast`: the board, the statistics, the "
        "forecast\n"
        "Amounts: `6000`, `€6,000`, `6k`, `6.5k`, `1.2M`. Dates: `10/15`, `end of November`, "
        "`early October`, `Q2`, `next month`.\n"
        "An opportunity is *qualified* when the need is clearly expressed, we can answer it, "
        "the main blockers are lifted and a next meeting is planned.",
    },
    # --- the card ---------------------------------------------------------------------
    "card.amount": {"fr": "Montant", "en": "Amount"},
    "card.weighted": {"fr": "Pondéré", "en": "Weighted"},
    "card.stage": {"fr": "Étape", "en": "Stage"},
    "card.probability": {"fr": "Probabilité", "en": "Probability"},
    "card.close_date": {"fr": "Signature prévue", "en": "Expected close"},
    "card.owner": {"fr": "Commercial", "en": "Owner"},
    "card.process": {"fr": "Processus", "en": "Process"},
    "card.status": {"fr": "Statut", "en": "Status"},
    "card.origin": {"fr": "Origine", "en": "Origin"},
    "card.product": {"fr": "Famille de produits", "en": "Product family"},
    "card.next_step": {"fr": "Prochaine étape", "en": "Next step"},
    "card.lost_reason": {"fr": "Raison de la perte", "en": "Lost reason"},
    "card.qualification": {"fr": "Qualification", "en": "Qualification"},
    "card.history": {"fr": "Historique", "en": "History"},
    "card.days_in_stage": {"fr": "{days} j dans l'étape", "en": "{days} d in stage"},
    "card.overdue": {"fr": "date de signature dépassée", "en": "close date passed"},
    "card.close_on": {"fr": "signature {date}", "en": "closes {date}"},
    "card.stage_probability": {"fr": "{stage} ({probability} %)", "en": "{stage} ({probability}%)"},
    "card.probability_override": {
        "fr": "{probability} % (ajustée)",
        "en": "{probability}% (adjusted)",
    },
    "card.qualified": {"fr": "qualifiée", "en": "qualified"},
    "card.qualified_count": {"fr": "{count}/4 critères", "en": "{count}/4 criteria"},
    "card.history_more": {
        "fr": "… et {count} changements plus anciens",
        "en": "… and {count} earlier changes",
    },
    "qual.need": {"fr": "Besoin clairement exprimé", "en": "Need clearly expressed"},
    "qual.answer": {"fr": "Nous savons y répondre", "en": "We can answer it"},
    "qual.blockers": {"fr": "Principaux freins levés", "en": "Main blockers lifted"},
    "qual.meeting": {"fr": "Prochain rendez-vous planifié", "en": "Next meeting planned"},
    "history.created": {"fr": "créée en « {after} »", "en": "created in “{after}”"},
    "history.stage": {
        "fr": "étape « {before} » → « {after} »",
        "en": "stage “{before}” → “{after}”",
    },
    "history.status": {"fr": "statut {before} → {after}", "en": "status {before} → {after}"},
    "history.amount": {"fr": "montant {before} → {after}", "en": "amount {before} → {after}"},
    "history.close_date": {
        "fr": "signature {before} → {after}",
        "en": "close date {before} → {after}",
    },
    "history.probability": {
        "fr": "probabilité {before} → {after}",
        "en": "probability {before} → {after}",
    },
    "history.owner": {"fr": "commercial {before} → {after}", "en": "owner {before} → {after}"},
    "history.process": {"fr": "processus {before} → {after}", "en": "process {before} → {after}"},
    "history.line": {"fr": "{when} · <@{by}> · {what}", "en": "{when} · <@{by}> · {what}"},
    # --- confirmations and lists ------------------------------------------------------
    "opp.created": {
        "fr": "Opportunité #{number} enregistrée.",
        "en": "Opportunity #{number} logged.",
    },
    "list.title_own": {"fr": "Vos opportunités en cours", "en": "Your open opportunities"},
    "list.title_of": {
        "fr": "Opportunités en cours de <@{user}>",
        "en": "<@{user}>'s open opportunities",
    },
    "list.empty": {
        "fr": "Aucune opportunité en cours. `/opp nouvelle` pour en enregistrer une.",
        "en": "No open opportunities. `/opp new` logs one.",
    },
    "list.totals": {
        "fr": "{count} opportunités · total {total} · pondéré {weighted}",
        "en": "{count} opportunities · total {total} · weighted {weighted}",
    },
    "list.more": {
        "fr": "… et {count} autres, moins avancées ou plus petites.",
        "en": "… and {count} more, earlier or smaller.",
    },
    "list.show": {"fr": "Voir", "en": "Show"},
    "account.title": {"fr": "Compte {name}", "en": "Account {name}"},
    "account.summary": {
        "fr": "{open} en cours · {won} gagnées ({won_total}) · {lost} perdues",
        "en": "{open} open · {won} won ({won_total}) · {lost} lost",
    },
    "account.open": {"fr": "En cours", "en": "Open"},
    "account.closed": {"fr": "Gagnées et perdues", "en": "Won and lost"},
    "account.none": {"fr": "Aucune.", "en": "None."},
    # --- the modal --------------------------------------------------------------------
    "modal.title": {"fr": "Nouvelle opportunité", "en": "New opportunity"},
    "modal.submit": {"fr": "Enregistrer", "en": "Save"},
    "modal.close": {"fr": "Annuler", "en": "Cancel"},
    "modal.account": {"fr": "Compte", "en": "Account"},
    "modal.account_placeholder": {
        "fr": "Tapez le nom du client ou du prospect",
        "en": "Type the customer's or prospect's name",
    },
    "modal.account_new": {"fr": "➕ Nouveau compte : {name}", "en": "➕ New account: {name}"},
    "modal.title_field": {"fr": "Ce qui est vendu", "en": "What is being sold"},
    "modal.amount": {
        "fr": "Montant approximatif ({currency})",
        "en": "Approximate amount ({currency})",
    },
    "modal.amount_hint": {
        "fr": "Par exemple 6000, 6 000 €, 6k, 6,5k",
        "en": "For example 6000, €6,000, 6k, 6.5k",
    },
    "modal.close_date": {"fr": "Date de signature prévue", "en": "Expected signing date"},
    "modal.stage": {"fr": "Étape", "en": "Stage"},
    "modal.origin": {"fr": "Origine (source du contact)", "en": "Origin (lead source)"},
    "modal.product": {"fr": "Famille de produits", "en": "Product family"},
    "modal.next_step": {"fr": "Prochaine étape", "en": "Next step"},
    "modal.next_step_date": {"fr": "Date de la prochaine étape", "en": "Next step date"},
    "modal.qualification": {"fr": "Qualification", "en": "Qualification"},
    "modal.prefilled": {
        "fr": "J'ai pré-rempli ce que j'ai compris ; complétez le reste.",
        "en": "I pre-filled what I understood; complete the rest.",
    },
    # --- card buttons and their modals ----------------------------------------------
    "card.advance": {"fr": "→ {stage}", "en": "→ {stage}"},
    "card.stage_pick": {"fr": "Changer d'étape", "en": "Change stage"},
    "card.won": {"fr": "Gagnée", "en": "Won"},
    "card.lost": {"fr": "Perdue", "en": "Lost"},
    "card.reopen": {"fr": "Rouvrir", "en": "Reopen"},
    "menu.edit": {"fr": "Modifier", "en": "Edit"},
    "menu.snooze": {"fr": "Mettre en veille 7 jours", "en": "Snooze 7 days"},
    "menu.reopen": {"fr": "Rouvrir", "en": "Reopen"},
    "lost.title": {"fr": "Affaire perdue", "en": "Deal lost"},
    "lost.intro": {
        "fr": "#{number} · {account} — {title}",
        "en": "#{number} · {account} — {title}",
    },
    "lost.reason": {"fr": "Raison", "en": "Reason"},
    "lost.detail": {"fr": "Précisions", "en": "Details"},
    "edit.title": {"fr": "Modifier #{number}", "en": "Edit #{number}"},
    "edit.probability": {
        "fr": "Probabilité (vide : celle de l'étape)",
        "en": "Probability (empty: the stage's)",
    },
}
