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
