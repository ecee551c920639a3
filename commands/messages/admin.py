"""Catalog entries of `/salesbot` (see commands.messages)."""

MESSAGES: dict[str, dict[str, str]] = {
    # --- help ---------------------------------------------------------------------------
    "admin.help": {
        "fr": "*Réglages de salesbot* (administrateurs)\n"
        "• `/salesbot réglages` : tout régler dans un formulaire, sans rien taper\n"
        "• `/salesbot processus` : les processus, leurs étapes, probabilités, alertes de "
        "blocage et opportunités en cours\n"
        '• `/salesbot processus ajouter "Grands comptes" étapes "Découverte:10, '
        'Proposition:50, Négociation:80"` (sans étapes : les cinq classiques)\n'
        "• `/salesbot processus renommer <ancien> <nouveau>` · `archiver <nom>` · "
        "`restaurer <nom>`\n"
        "• `/salesbot étape ajouter <processus> <nom> <probabilité> [position]`\n"
        "• `/salesbot étape renommer <processus> <étape> <nouveau nom>` · "
        "`déplacer <processus> <étape> <position>`\n"
        "• `/salesbot étape supprimer <processus> <étape> [vers <autre étape>]`\n"
        "• `/salesbot étape probabilité <processus> <étape> <pourcentage>` · "
        "`bloquée-après <processus> <étape> <jours|off>`\n"
        "• `/salesbot rôle @personne admin|manager|commercial`\n"
        "• `/salesbot équipe @manager [ajouter|retirer @commercial …]`\n"
        "• `/salesbot annonce #canal` (ou `annonce off`) : où annoncer les affaires gagnées\n"
        "• `/salesbot raisons [ajouter|retirer <raison>]` : les raisons de perte proposées\n"
        "• `/salesbot objectif @commercial|equipe|tous 2027-03 20000` : objectif mensuel "
        "(managers aussi, pour leur équipe)\n"
        "Mettez entre guillemets les noms qui ont des espaces ; une étape se désigne aussi "
        "par son numéro.",
        "en": "*salesbot settings* (admins)\n"
        "• `/salesbot settings`: set everything up in a form, no typing needed\n"
        "• `/salesbot processes`: the processes, their stages, probabilities, stuck alerts "
        "and open deals\n"
        '• `/salesbot process add "Key accounts" stages "Discovery:10, Proposal:50, '
        'Negotiation:80"` (without stages: the classic five)\n'
        "• `/salesbot process rename <old> <new>` · `archive <name>` · `restore <name>`\n"
        "• `/salesbot stage add <process> <name> <percent> [position]`\n"
        "• `/salesbot stage rename <process> <stage> <new name>` · "
        "`move <process> <stage> <position>`\n"
        "• `/salesbot stage remove <process> <stage> [to <other stage>]`\n"
        "• `/salesbot stage probability <process> <stage> <percent>` · "
        "`stuck-after <process> <stage> <days|off>`\n"
        "• `/salesbot role @person admin|manager|rep`\n"
        "• `/salesbot team @manager [add|remove @rep …]`\n"
        "• `/salesbot announce #channel` (or `announce off`): where won deals are announced\n"
        "• `/salesbot lost-reasons [add|remove <reason>]`: the reasons offered when a deal "
        "is lost\n"
        "• `/salesbot target @rep|team|all 2027-03 20000`: a monthly target (managers too, "
        "for their team)\n"
        "Quote names that contain spaces; a stage can also be given by its number.",
    },
    "admin.help_not_admin": {
        "fr": "Ces commandes sont réservées aux administrateurs de salesbot ; demandez à l'un "
        "d'eux.",
        "en": "These commands are for salesbot admins; ask one of them.",
    },
    # --- routing and usage --------------------------------------------------------------
    "admin.unknown_subcommand": {
        "fr": "Je ne connais pas « {word} ». Tapez `/salesbot aide` pour voir ce que je sais "
        "faire.",
        "en": "I don't know “{word}”. Type `/salesbot help` to see what I can do.",
    },
    "admin.unknown_process_verb": {
        "fr": "« {word} » ? Pour un processus : `ajouter`, `renommer`, `archiver` ou `restaurer`.",
        "en": "“{word}”? For a process: `add`, `rename`, `archive` or `restore`.",
    },
    "admin.unknown_stage_verb": {
        "fr": "« {word} » ? Pour une étape : `ajouter`, `renommer`, `déplacer`, `supprimer`, "
        "`probabilité` ou `bloquée-après`.",
        "en": "“{word}”? For a stage: `add`, `rename`, `move`, `remove`, `probability` or "
        "`stuck-after`.",
    },
    "admin.usage_process_add": {
        "fr": 'Par exemple : `/salesbot processus ajouter "Grands comptes" étapes '
        '"Découverte:10, Proposition:50, Négociation:80"`.',
        "en": 'For example: `/salesbot process add "Key accounts" stages "Discovery:10, '
        'Proposal:50, Negotiation:80"`.',
    },
    "admin.usage_process_rename": {
        "fr": 'Par exemple : `/salesbot processus renommer "Grands comptes" "Comptes clés"`.',
        "en": 'For example: `/salesbot process rename "Key accounts" "Major accounts"`.',
    },
    "admin.usage_process_archive": {
        "fr": 'Par exemple : `/salesbot processus archiver "Grands comptes"`.',
        "en": 'For example: `/salesbot process archive "Key accounts"`.',
    },
    "admin.usage_process_restore": {
        "fr": 'Par exemple : `/salesbot processus restaurer "Grands comptes"`.',
        "en": 'For example: `/salesbot process restore "Key accounts"`.',
    },
    "admin.usage_stage_add": {
        "fr": 'Par exemple : `/salesbot étape ajouter "Grands comptes" Démo 30` (et une '
        "position en option : `… Démo 30 2`).",
        "en": 'For example: `/salesbot stage add "Key accounts" Demo 30` (and an optional '
        "position: `… Demo 30 2`).",
    },
    "admin.usage_stage_rename": {
        "fr": 'Par exemple : `/salesbot étape renommer "Grands comptes" Démo "Démo client"`.',
        "en": 'For example: `/salesbot stage rename "Key accounts" Demo "Customer demo"`.',
    },
    "admin.usage_stage_move": {
        "fr": 'Par exemple : `/salesbot étape déplacer "Grands comptes" Démo 2`.',
        "en": 'For example: `/salesbot stage move "Key accounts" Demo 2`.',
    },
    "admin.usage_stage_probability": {
        "fr": 'Par exemple : `/salesbot étape probabilité "Grands comptes" Démo 35`.',
        "en": 'For example: `/salesbot stage probability "Key accounts" Demo 35`.',
    },
    "admin.usage_stage_stuck": {
        "fr": 'Par exemple : `/salesbot étape bloquée-après "Grands comptes" Démo 14` (ou '
        "`off` : seuil appris de l'historique).",
        "en": 'For example: `/salesbot stage stuck-after "Key accounts" Demo 14` (or `off`: '
        "threshold learned from history).",
    },
    "admin.usage_stage_remove": {
        "fr": 'Par exemple : `/salesbot étape supprimer "Grands comptes" Démo vers Proposition`.',
        "en": 'For example: `/salesbot stage remove "Key accounts" Demo to Proposal`.',
    },
    "admin.usage_role": {
        "fr": "Par exemple : `/salesbot rôle @marie manager` (admin, manager ou commercial).",
        "en": "For example: `/salesbot role @marie manager` (admin, manager or rep).",
    },
    "admin.usage_team": {
        "fr": "Par exemple : `/salesbot équipe @paul ajouter @marie @leo`, "
        "`/salesbot équipe @paul retirer @leo`, ou `/salesbot équipe @paul` pour la voir.",
        "en": "For example: `/salesbot team @paul add @marie @leo`, "
        "`/salesbot team @paul remove @leo`, or `/salesbot team @paul` to see it.",
    },
    "admin.usage_lost_reasons": {
        "fr": "Par exemple : `/salesbot raisons ajouter Délai trop court`, "
        "`/salesbot raisons retirer Prix`, ou `/salesbot raisons` pour la liste.",
        "en": "For example: `/salesbot lost-reasons add Timeline too short`, "
        "`/salesbot lost-reasons remove Price`, or `/salesbot lost-reasons` for the list.",
    },
    # --- refusals: names, numbers -------------------------------------------------------
    "admin.name_required": {
        "fr": "Donnez un nom.",
        "en": "Give it a name.",
    },
    "admin.name_too_long": {
        "fr": "Nom trop long : {length} caractères, {max} au plus. Rien n'a changé.",
        "en": "Name too long: {length} characters, {max} at most. Nothing changed.",
    },
    "admin.stage_name_numeric": {
        "fr": "« {name} » : une étape ne peut pas s'appeler seulement par un nombre (les "
        "étapes se désignent aussi par leur numéro).",
        "en": "“{name}”: a stage cannot be named by a number alone (stages are also picked "
        "by their number).",
    },
    "admin.probability_invalid": {
        "fr": "« {value} » n'est pas une probabilité : un nombre entier de 0 à 100. Rien n'a "
        "changé.",
        "en": "“{value}” is not a probability: a whole number from 0 to 100. Nothing changed.",
    },
    "admin.days_invalid": {
        "fr": "« {value} » : indiquez un nombre de jours entre 1 et {max}, ou `off` pour que "
        "le seuil soit appris de l'historique. Rien n'a changé.",
        "en": "“{value}”: give a number of days between 1 and {max}, or `off` to have the "
        "threshold learned from history. Nothing changed.",
    },
    "admin.position_invalid": {
        "fr": "« {value} » : la position va de 1 à {max}.",
        "en": "“{value}”: the position goes from 1 to {max}.",
    },
    "admin.stages_required": {
        "fr": "Donnez au moins une étape, par exemple `Découverte:10, Proposition:50`.",
        "en": "Give at least one stage, for example `Discovery:10, Proposal:50`.",
    },
    "admin.too_many_stages": {
        "fr": "Un processus a {max} étapes au plus. Rien n'a changé.",
        "en": "A process has {max} stages at most. Nothing changed.",
    },
    "admin.stage_syntax": {
        "fr": "« {part} » : écrivez chaque étape `nom:probabilité`, par exemple `Proposition:50`.",
        "en": "“{part}”: write each stage as `name:probability`, for example `Proposal:50`.",
    },
    "admin.stage_duplicate": {
        "fr": "L'étape « {name} » apparaît deux fois.",
        "en": "Stage “{name}” appears twice.",
    },
    "admin.pick_from_list": {
        "fr": "Choisissez dans la liste.",
        "en": "Pick from the list.",
    },
    "admin.pick_process": {
        "fr": "Choisissez le processus où ajouter l'étape.",
        "en": "Pick the process to add the stage to.",
    },
    "admin.pick_stage": {
        "fr": "Choisissez l'étape à modifier.",
        "en": "Pick the stage to change.",
    },
    "admin.nothing_to_change": {
        "fr": "Indiquez une nouvelle probabilité ou un délai de blocage pour cette étape.",
        "en": "Give this stage a new probability or a stuck-after delay.",
    },
    # --- refusals: processes ------------------------------------------------------------
    "admin.process_unknown": {
        "fr": "Aucun processus « {name} ». Processus actifs : {known}.",
        "en": "No process “{name}”. Active processes: {known}.",
    },
    "admin.process_gone": {
        "fr": "Ce processus n'existe plus. Rien n'a changé.",
        "en": "This process no longer exists. Nothing changed.",
    },
    "admin.process_is_archived": {
        "fr": "Le processus « {process} » est archivé. Restaurez-le d'abord "
        "(`/salesbot processus restaurer`).",
        "en": "Process “{process}” is archived. Restore it first (`/salesbot process restore`).",
    },
    "admin.process_not_archived": {
        "fr": "Le processus « {process} » n'est pas archivé.",
        "en": "Process “{process}” is not archived.",
    },
    "admin.too_many_processes": {
        "fr": "{max} processus actifs au plus : archivez-en un avant d'en ajouter. Rien n'a "
        "changé.",
        "en": "{max} active processes at most: archive one before adding another. Nothing changed.",
    },
    "admin.process_exists": {
        "fr": "Il y a déjà un processus « {process} ».",
        "en": "There is already a process “{process}”.",
    },
    "admin.process_exists_archived": {
        "fr": "Un processus archivé s'appelle déjà « {process} » : restaurez-le "
        "(`/salesbot processus restaurer`) ou choisissez un autre nom.",
        "en": "An archived process is already called “{process}”: restore it "
        "(`/salesbot process restore`) or pick another name.",
    },
    "admin.last_process": {
        "fr": "« {process} » est le dernier processus actif : les commerciaux n'auraient plus "
        "où enregistrer leurs opportunités. Ajoutez-en un autre d'abord.",
        "en": "“{process}” is the last active process: reps would have nowhere to log deals. "
        "Add another one first.",
    },
    # --- refusals: stages ---------------------------------------------------------------
    "admin.stage_unknown": {
        "fr": "Aucune étape « {stage} » dans « {process} ». Étapes : {stages}.",
        "en": "No stage “{stage}” in “{process}”. Stages: {stages}.",
    },
    "admin.stage_exists": {
        "fr": "« {process} » a déjà une étape « {stage} ».",
        "en": "“{process}” already has a stage “{stage}”.",
    },
    "admin.stage_gone": {
        "fr": "Cette étape n'existe plus (déjà supprimée ?). Rien n'a changé.",
        "en": "This stage no longer exists (already removed?). Nothing changed.",
    },
    "admin.target_gone": {
        "fr": "L'étape choisie pour recevoir les opportunités de « {stage} » n'existe plus. "
        "Rien n'a changé ; recommencez.",
        "en": "The stage picked to receive the deals of “{stage}” no longer exists. Nothing "
        "changed; try again.",
    },
    "admin.last_stage": {
        "fr": "« {stage} » est la seule étape de « {process} » : un processus garde au moins "
        "une étape.",
        "en": "“{stage}” is the only stage of “{process}”: a process keeps at least one stage.",
    },
    "admin.remove_to_itself": {
        "fr": "Les opportunités de « {stage} » doivent aller dans une autre étape.",
        "en": "The deals of “{stage}” must go to another stage.",
    },
    # --- refusals: people, channels, reasons --------------------------------------------
    "admin.mention_required": {
        "fr": "« {text} » : mentionnez la personne avec @ (Slack la complète), par exemple "
        "`@marie`.",
        "en": "“{text}”: mention the person with @ (Slack completes it), for example `@marie`.",
    },
    "admin.role_unknown": {
        "fr": "« {role} » n'est pas un rôle : admin, manager ou commercial.",
        "en": "“{role}” is not a role: admin, manager or rep.",
    },
    "admin.last_admin": {
        "fr": "<@{user}> est le dernier administrateur : nommez-en un autre avant de changer "
        "ce rôle. Rien n'a changé.",
        "en": "<@{user}> is the last admin: make someone else admin before changing this role. "
        "Nothing changed.",
    },
    "admin.not_a_manager": {
        "fr": "<@{user}> n'est pas manager. D'abord : `/salesbot rôle @… manager`.",
        "en": "<@{user}> is not a manager. First: `/salesbot role @… manager`.",
    },
    "admin.own_manager": {
        "fr": "<@{user}> ne peut pas être dans sa propre équipe.",
        "en": "<@{user}> cannot be in their own team.",
    },
    "admin.team_too_many": {
        "fr": "{max} personnes au plus par commande.",
        "en": "{max} people at most per command.",
    },
    "admin.channel_required": {
        "fr": "« {text} » : choisissez le canal avec # (Slack le complète), par exemple "
        "`/salesbot annonce #ventes`, ou `off` pour ne plus annoncer.",
        "en": "“{text}”: pick the channel with # (Slack completes it), for example "
        "`/salesbot announce #sales`, or `off` to stop announcing.",
    },
    "admin.channel_invalid": {
        "fr": "Choisissez un canal public ou privé, pas une conversation directe.",
        "en": "Pick a public or private channel, not a direct message.",
    },
    "admin.workspace_unknown": {
        "fr": "Cet espace de travail n'est pas encore connu de salesbot.",
        "en": "salesbot does not know this workspace yet.",
    },
    "admin.lost_reason_exists": {
        "fr": "La raison « {label} » existe déjà.",
        "en": "Reason “{label}” already exists.",
    },
    "admin.too_many_lost_reasons": {
        "fr": "{max} raisons de perte au plus : retirez-en une d'abord.",
        "en": "{max} lost reasons at most: remove one first.",
    },
    "admin.lost_reason_unknown": {
        "fr": "Aucune raison « {label} ». Raisons : {labels}.",
        "en": "No reason “{label}”. Reasons: {labels}.",
    },
    "admin.last_lost_reason": {
        "fr": "« {label} » est la dernière raison de perte : il en faut au moins une.",
        "en": "“{label}” is the last lost reason: at least one is needed.",
    },
    # --- what changed -------------------------------------------------------------------
    "admin.process_added": {
        "fr": "Processus « {process} » créé, avec {count} étape(s).",
        "en": "Process “{process}” created, with {count} stage(s).",
    },
    "admin.process_renamed": {
        "fr": "Processus « {before} » renommé « {after} » ; ses opportunités le suivent.",
        "en": "Process “{before}” renamed “{after}”; its deals follow.",
    },
    "admin.process_archived": {
        "fr": "Processus « {process} » archivé : il ne reçoit plus de nouvelles opportunités. "
        "Son historique est conservé.",
        "en": "Process “{process}” archived: it takes no new deals. Its history is kept.",
    },
    "admin.process_archived_open": {
        "fr": "Processus « {process} » archivé : il ne reçoit plus de nouvelles opportunités. "
        "Son historique est conservé, et ses opportunités en cours ({count}) y restent, "
        "toujours visibles et modifiables.",
        "en": "Process “{process}” archived: it takes no new deals. Its history is kept, and "
        "its open deals ({count}) stay in it, still visible and editable.",
    },
    "admin.process_restored": {
        "fr": "Processus « {process} » restauré : il reçoit de nouveau des opportunités.",
        "en": "Process “{process}” restored: it takes new deals again.",
    },
    "admin.stage_added": {
        "fr": "Étape « {stage} » ({probability} %) ajoutée à « {process} », en position "
        "{position}.",
        "en": "Stage “{stage}” ({probability}%) added to “{process}”, at position {position}.",
    },
    "admin.stage_renamed": {
        "fr": "Étape « {before} » de « {process} » renommée « {after} ».",
        "en": "Stage “{before}” of “{process}” renamed “{after}”.",
    },
    "admin.stage_moved": {
        "fr": "Étape « {stage} » de « {process} » placée en position {position}.",
        "en": "Stage “{stage}” of “{process}” moved to position {position}.",
    },
    "admin.probability_set": {
        "fr": "Probabilité de « {stage} » : {before} % → {after} %. Les totaux pondérés suivent.",
        "en": "Probability of “{stage}”: {before}% → {after}%. Weighted totals follow.",
    },
    "admin.stuck_set": {
        "fr": "Une opportunité en « {stage} » sera signalée bloquée après {days} jours sans "
        "changement.",
        "en": "A deal in “{stage}” will be flagged as stuck after {days} days without a change.",
    },
    "admin.stuck_off": {
        "fr": "Plus de délai fixé pour l'étape « {stage} » : le seuil de blocage est appris "
        "de l'historique (14 jours par défaut, tant qu'il n'y en a pas assez).",
        "en": "No set delay for stage “{stage}” any more: the stuck threshold is learned from "
        "history (14 days by default, until there is enough of it).",
    },
    "admin.stage_removed": {
        "fr": "Étape « {stage} » supprimée. Les opportunités closes qui y sont passées gardent "
        "leur historique.",
        "en": "Stage “{stage}” removed. Closed deals that went through it keep their history.",
    },
    "admin.stage_removed_moved": {
        "fr": "Étape « {stage} » supprimée ; opportunités en cours déplacées vers « {target} » : "
        "{count} (c'est noté dans leur historique).",
        "en": "Stage “{stage}” removed; open deals moved to “{target}”: {count} (recorded in "
        "their history).",
    },
    # --- where do these deals go --------------------------------------------------------
    "admin.where_to": {
        "fr": "L'étape « {stage} » de « {process} » contient {count} opportunité(s) en cours. "
        "Où les déplacer ? Rien n'a encore été supprimé.",
        "en": "Stage “{stage}” of “{process}” holds {count} open deal(s). Where should they "
        "go? Nothing has been removed yet.",
    },
    "admin.where_to_text": {
        "fr": 'Ou tapez : `/salesbot étape supprimer "{process}" "{stage}" vers <étape>`',
        "en": 'Or type: `/salesbot stage remove "{process}" "{stage}" to <stage>`',
    },
    "admin.move_to_button": {
        "fr": "→ {stage}",
        "en": "→ {stage}",
    },
    # --- the processes list -------------------------------------------------------------
    "admin.processes_title": {"fr": "Processus de vente", "en": "Sales processes"},
    "admin.process_heading": {
        "fr": "*{process}* · {count} en cours",
        "en": "*{process}* · {count} open",
    },
    "admin.stage_line": {
        "fr": "{number}. {stage} — {probability} % · {count} en cours",
        "en": "{number}. {stage} — {probability}% · {count} open",
    },
    "admin.stage_stuck": {
        "fr": " · bloquée après {days} j",
        "en": " · stuck after {days} d",
    },
    "admin.archived": {"fr": "Archivés : {processes}", "en": "Archived: {processes}"},
    "admin.archived_item": {
        "fr": "{process} ({count} en cours)",
        "en": "{process} ({count} open)",
    },
    "admin.overview_hint": {
        "fr": "Pour changer : `/salesbot aide`, ou le formulaire des réglages.",
        "en": "To change them: `/salesbot help`, or the settings form.",
    },
    "admin.open_settings": {"fr": "Ouvrir les réglages", "en": "Open settings"},
    "admin.announce_line": {
        "fr": "Affaires gagnées annoncées dans <#{channel}>.",
        "en": "Won deals are announced in <#{channel}>.",
    },
    "admin.announce_none_line": {
        "fr": "Affaires gagnées : pas d'annonce (`/salesbot annonce #canal`).",
        "en": "Won deals: not announced (`/salesbot announce #channel`).",
    },
    # --- roles, teams, announcements, reasons -------------------------------------------
    "admin.role.admin": {"fr": "administrateur", "en": "admin"},
    "admin.role.manager": {"fr": "manager", "en": "manager"},
    "admin.role.rep": {"fr": "commercial", "en": "rep"},
    "admin.role_changed": {
        "fr": "<@{user}> est maintenant {role} (avant : {before}).",
        "en": "<@{user}> is now {role} (was {before}).",
    },
    "admin.role_unchanged": {
        "fr": "<@{user}> est déjà {role}.",
        "en": "<@{user}> is already {role}.",
    },
    "admin.role_team_kept": {
        "fr": "Son équipe ({count}) reste notée, mais sans manager pour la suivre : "
        "`/salesbot équipe @… ajouter …` pour la confier à quelqu'un.",
        "en": "Their team ({count}) stays on record but has no manager following it: "
        "`/salesbot team @… add …` to hand it over.",
    },
    "admin.team_title": {"fr": "Équipe de <@{manager}>", "en": "<@{manager}>'s team"},
    "admin.team_members": {"fr": "Membres : {users}", "en": "Members: {users}"},
    "admin.team_empty": {
        "fr": "Personne dans l'équipe de <@{manager}> pour l'instant.",
        "en": "Nobody in <@{manager}>'s team yet.",
    },
    "admin.team_listing_not_manager": {
        "fr": "<@{manager}> n'est pas manager : son équipe ne lui donne accès à rien.",
        "en": "<@{manager}> is not a manager: their team gives them access to nothing.",
    },
    "admin.team_added": {
        "fr": "Ajouté(s) à l'équipe de <@{manager}> : {users}.",
        "en": "Added to <@{manager}>'s team: {users}.",
    },
    "admin.team_moved": {
        "fr": "<@{user}> quitte l'équipe de <@{before}> pour celle de <@{manager}>.",
        "en": "<@{user}> moves from <@{before}>'s team to <@{manager}>'s.",
    },
    "admin.team_already": {
        "fr": "Déjà dans l'équipe : {users}.",
        "en": "Already in the team: {users}.",
    },
    "admin.team_removed": {
        "fr": "Retiré(s) de l'équipe de <@{manager}> : {users}.",
        "en": "Removed from <@{manager}>'s team: {users}.",
    },
    "admin.team_not_in": {
        "fr": "Pas dans l'équipe de <@{manager}>, rien à retirer : {users}.",
        "en": "Not in <@{manager}>'s team, nothing to remove: {users}.",
    },
    "admin.announce_set": {
        "fr": "Les affaires gagnées seront annoncées dans <#{channel}>, avec le montant et le "
        "commercial. Invitez-moi dans ce canal (`/invite @salesbot`) si ce n'est pas fait.",
        "en": "Won deals will be announced in <#{channel}>, with the amount and the rep. "
        "Invite me to that channel (`/invite @salesbot`) if not done yet.",
    },
    "admin.announce_off": {
        "fr": "Les affaires gagnées ne sont plus annoncées.",
        "en": "Won deals are no longer announced.",
    },
    "admin.lost_reasons_title": {"fr": "Raisons de perte", "en": "Lost reasons"},
    "admin.lost_reason_added": {
        "fr": "Raison « {label} » ajoutée.",
        "en": "Reason “{label}” added.",
    },
    "admin.lost_reason_removed": {
        "fr": "Raison « {label} » retirée de la liste ; les affaires déjà perdues pour "
        "elle la gardent.",
        "en": "Reason “{label}” taken off the list; deals already lost for it keep it.",
    },
    # --- the settings modal -------------------------------------------------------------
    "admin.settings_title": {"fr": "Réglages salesbot", "en": "salesbot settings"},
    "admin.settings_submit": {"fr": "Enregistrer", "en": "Save"},
    "admin.settings_close": {"fr": "Fermer", "en": "Close"},
    "admin.settings_intro": {
        "fr": "Remplissez seulement ce que vous voulez changer. Rien n'est enregistré si un "
        "champ est refusé.",
        "en": "Fill in only what you want to change. Nothing is saved if a field is refused.",
    },
    "admin.settings_new_process": {"fr": "*Nouveau processus*", "en": "*New process*"},
    "admin.settings_add_stage": {
        "fr": "*Ajouter une étape à un processus*",
        "en": "*Add a stage to a process*",
    },
    "admin.settings_edit_stage": {"fr": "*Modifier une étape*", "en": "*Change a stage*"},
    "admin.settings_announce": {
        "fr": "*Annonce des affaires gagnées*",
        "en": "*Announcing won deals*",
    },
    "admin.settings_more": {
        "fr": "Renommer, déplacer, supprimer une étape, archiver un processus, rôles et "
        "équipes : `/salesbot aide`.",
        "en": "Rename, move or remove a stage, archive a process, roles and teams: "
        "`/salesbot help`.",
    },
    "admin.field_process_name": {"fr": "Nom du processus", "en": "Process name"},
    "admin.field_stages": {
        "fr": "Étapes (nom:probabilité, …)",
        "en": "Stages (name:probability, …)",
    },
    "admin.field_stages_hint": {
        "fr": "Par exemple : Découverte:10, Proposition:50, Négociation:80. Vide : les cinq "
        "étapes classiques.",
        "en": "For example: Discovery:10, Proposal:50, Negotiation:80. Empty: the classic "
        "five stages.",
    },
    "admin.field_process": {"fr": "Processus", "en": "Process"},
    "admin.field_stage_name": {"fr": "Nom de l'étape", "en": "Stage name"},
    "admin.field_probability": {"fr": "Probabilité (%)", "en": "Probability (%)"},
    "admin.field_stage": {"fr": "Étape", "en": "Stage"},
    "admin.field_new_probability": {
        "fr": "Nouvelle probabilité (%)",
        "en": "New probability (%)",
    },
    "admin.field_stuck_after": {
        "fr": "Bloquée après (jours)",
        "en": "Stuck after (days)",
    },
    "admin.field_stuck_after_hint": {
        "fr": "Un nombre de jours sans changement (1 à 365), ou « off » : appris de "
        "l'historique (14 jours tant qu'il n'y en a pas assez).",
        "en": "A number of days without a change (1 to 365), or “off”: learned from history "
        "(14 days until there is enough of it).",
    },
    "admin.field_announce_channel": {"fr": "Canal", "en": "Channel"},
    "admin.field_announce_hint": {
        "fr": "Vide : pas d'annonce. Invitez @salesbot dans le canal choisi.",
        "en": "Empty: no announcement. Invite @salesbot to the channel you pick.",
    },
    "admin.settings_saved": {"fr": "Réglages enregistrés :", "en": "Settings saved:"},
    "admin.settings_nothing": {
        "fr": "Aucun réglage changé : aucun champ n'était rempli.",
        "en": "No setting changed: no field was filled in.",
    },
}
