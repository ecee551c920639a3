"""Catalog entries for moving deals: buttons, `/opp move|next|won|lost|reopen|edit`."""

MESSAGES: dict[str, dict[str, str]] = {
    "perm.not_your_deal": {
        "fr": "L'opportunité #{number} appartient à <@{owner}> : seuls son commercial, son "
        "manager et les administrateurs peuvent la modifier. Rien n'a changé.",
        "en": "Opportunity #{number} belongs to <@{owner}>: only its owner, their manager and "
        "admins can change it. Nothing changed.",
    },
    "perm.admin_only": {
        "fr": "Seuls les administrateurs de salesbot peuvent faire cela.",
        "en": "Only salesbot admins can do that.",
    },
    "move.closed": {
        "fr": "L'opportunité #{number} est close. Rouvrez-la d'abord (`/opp rouvrir #{number}`).",
        "en": "Opportunity #{number} is closed. Reopen it first (`/opp reopen #{number}`).",
    },
    "move.stage_of_other_process": {
        "fr": "L'étape « {stage} » n'est pas dans le processus « {process} » de cette opportunité.",
        "en": "Stage “{stage}” is not in this opportunity's process “{process}”.",
    },
    "move.stage_removed": {
        "fr": "L'étape « {stage} » a été supprimée.",
        "en": "Stage “{stage}” was removed.",
    },
    "move.stage_unknown": {
        "fr": "Aucune étape « {stage} » dans « {process} ». Étapes : {stages}.",
        "en": "No stage “{stage}” in “{process}”. Stages: {stages}.",
    },
    "move.already_in": {
        "fr": "Déjà en « {stage} ».",
        "en": "Already in “{stage}”.",
    },
    "move.stale": {
        "fr": "Cette fiche n'était plus à jour : #{number} est maintenant en « {stage} ». "
        "Voici la fiche actuelle ; rien d'autre n'a changé.",
        "en": "That card was out of date: #{number} is now in “{stage}”. Here is the current "
        "card; nothing else changed.",
    },
    "move.last_stage": {
        "fr": "#{number} est déjà à la dernière étape (« {stage} ») : marquez-la gagnée ou perdue.",
        "en": "#{number} is already at the last stage (“{stage}”): mark it won or lost.",
    },
    "move.moved": {
        "fr": "#{number} passe en « {stage} ».",
        "en": "#{number} moved to “{stage}”.",
    },
    "move.won": {
        "fr": ":tada: #{number} gagnée, bravo !",
        "en": ":tada: #{number} won, well done!",
    },
    "move.lost": {
        "fr": "#{number} marquée perdue.",
        "en": "#{number} marked lost.",
    },
    "move.reopened": {
        "fr": "#{number} rouverte.",
        "en": "#{number} reopened.",
    },
    "move.already_open": {
        "fr": "#{number} est déjà en cours.",
        "en": "#{number} is already open.",
    },
    "move.lost_reason_required": {
        "fr": "Indiquez pourquoi l'affaire est perdue.",
        "en": "Say why the deal was lost.",
    },
    "move.conflict": {
        "fr": "Quelqu'un a modifié #{number} au même instant ; voici la fiche à jour. "
        "Recommencez si besoin.",
        "en": "Someone changed #{number} at the same moment; here is the current card. "
        "Try again if needed.",
    },
}

MESSAGES |= {
    "move.usage_move": {
        "fr": "Usage : `/opp deplacer #12 <étape ou numéro>`, par exemple `/opp deplacer #12 3`.",
        "en": "Usage: `/opp move #12 <stage name or number>`, e.g. `/opp move #12 3`.",
    },
    "move.usage_next": {"fr": "Usage : `/opp suivant #12`.", "en": "Usage: `/opp next #12`."},
    "move.usage_won": {"fr": "Usage : `/opp gagne #12`.", "en": "Usage: `/opp won #12`."},
    "move.usage_lost": {
        "fr": "Usage : `/opp perdu #12 <raison>`, par exemple `/opp perdu #12 prix trop élevé`.",
        "en": "Usage: `/opp lost #12 <reason>`, e.g. `/opp lost #12 price too high`.",
    },
    "move.usage_reopen": {"fr": "Usage : `/opp rouvrir #12`.", "en": "Usage: `/opp reopen #12`."},
    "move.usage_edit": {
        "fr": "Usage : `/opp modifier #12 montant 7500 | signature fin novembre | "
        'prochaine-etape "rappeler" vendredi | probabilite 60 | origine salon | '
        "produit peinture | processus Professionnel`.",
        "en": "Usage: `/opp edit #12 amount 7500 | close end of November | "
        'next-step "call back" friday | probability 60 | origin fair | product paint | '
        "process Professional`.",
    },
    "move.snoozed": {
        "fr": "#{number} mise en veille jusqu'au {date} : pas de relance d'ici là.",
        "en": "#{number} snoozed until {date}: no nudges until then.",
    },
    "move.edited": {"fr": "#{number} modifiée : {fields}.", "en": "#{number} updated: {fields}."},
    "move.nothing_to_edit": {
        "fr": "Rien à modifier sur #{number}.",
        "en": "Nothing to change on #{number}.",
    },
    "move.announce": {
        "fr": ":tada: <@{owner}> a signé #{number} · {account} — {amount} !",
        "en": ":tada: <@{owner}> closed #{number} · {account} — {amount}!",
    },
}

MESSAGES |= {
    "edit.probability_invalid": {
        "fr": "« {value} » n'est pas une probabilité : un nombre de 0 à 100, ou `auto` pour "
        "reprendre celle de l'étape.",
        "en": "“{value}” is not a probability: a number from 0 to 100, or `auto` to use the "
        "stage's.",
    },
    "edit.owner_invalid": {
        "fr": "Mentionnez le nouveau commercial : `commercial @marie`.",
        "en": "Mention the new owner: `owner @marie`.",
    },
    "edit.owner_forbidden": {
        "fr": "Vous ne pouvez pas confier une opportunité à <@{user}> (hors de votre équipe).",
        "en": "You cannot hand a deal to <@{user}> (outside your team).",
    },
    "edit.process_unknown": {
        "fr": "Aucun processus « {process} ». Processus : {processes}.",
        "en": "No process “{process}”. Processes: {processes}.",
    },
    "field.amount": {"fr": "montant", "en": "amount"},
    "field.close_date": {"fr": "date de signature", "en": "close date"},
    "field.probability": {"fr": "probabilité", "en": "probability"},
    "field.next_step": {"fr": "prochaine étape", "en": "next step"},
    "field.origin": {"fr": "origine", "en": "origin"},
    "field.product": {"fr": "famille de produits", "en": "product family"},
    "field.title": {"fr": "intitulé", "en": "title"},
    "field.owner": {"fr": "commercial", "en": "owner"},
    "field.process": {"fr": "processus", "en": "process"},
    "field.stage": {"fr": "étape", "en": "stage"},
    "field.qualification": {"fr": "qualification", "en": "qualification"},
}
