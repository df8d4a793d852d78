"""Research operations that span several models: the role, studies from their definition,
consent versions, joining, pairing, pausing and withdrawing."""

from __future__ import annotations

import copy
import datetime as dt
import secrets
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alongside.research.definition import (
    Definition,
    DefinitionError,
    Issue,
    normalise_code,
    parse_definition,
)
from alongside.research.models import (
    Answer,
    Consent,
    ConsentVersion,
    Dyad,
    Participant,
    Prompt,
    ResearcherProfile,
    Study,
)


class ResearchProblem(Exception):
    """Something a person tried that cannot be done; the message says why, kindly."""


class CodeUnusable(ResearchProblem):
    """A code that opens nothing. One message for every such code, so it tells nothing."""


def installed_instruments() -> set[str]:
    from alongside.assessments.spec import shipped_instruments

    return set(shipped_instruments())


# ----------------------------------------------------------------------- the role


def is_researcher(user: Any) -> bool:
    return bool(user.is_authenticated) and ResearcherProfile.objects.filter(user=user).exists()


def researcher_grant(*, user: Any, by: str) -> ResearcherProfile:
    profile, _created = ResearcherProfile.objects.get_or_create(
        user=user, defaults={"granted_by": by[:200]}
    )
    return profile


def researcher_revoke(*, user: Any) -> None:
    # Their studies stay (participants consented to them); only the pages close.
    ResearcherProfile.objects.filter(user=user).delete()


# -------------------------------------------------------------------- studies


def _check_dates(definition: Definition, *, today: dt.date, before: Study | None) -> None:
    unchanged = before is not None and before.starts_on == definition.starts_on
    if definition.starts_on < today and not unchanged:
        raise DefinitionError([Issue("starts_on", _("the first day is already past"))])


def _check_code(definition: Definition, *, study: Study | None) -> None:
    taken = Study.objects.filter(code=definition.code)
    if study is not None:
        taken = taken.exclude(pk=study.pk)
    if taken.exists():
        raise DefinitionError([Issue("code", _("another study uses this code already"))])


def _fields(definition: Definition, data: dict[str, Any]) -> dict[str, Any]:
    # The items and the schedule are stored as given (their shape is checked): the
    # schedule engine reads the schedule through ``definition.schedule_of``.
    return {
        "title": definition.title,
        "description": definition.description,
        "code": definition.code,
        "id_prefix": definition.prefix(),
        "is_couple": definition.couple,
        "starts_on": definition.starts_on,
        "ends_on": definition.ends_on,
        "items": copy.deepcopy(data["items"]),
        "schedule": copy.deepcopy(data["schedule"]),
    }


def study_create(*, researcher: Any, data: Any, today: dt.date | None = None) -> Study:
    """A new study from its definition (a study file's data); nothing is stored unless
    all of it is right. Raises ``DefinitionError``."""
    definition = parse_definition(data, instruments=installed_instruments())
    _check_dates(definition, today=today or timezone.localdate(), before=None)
    _check_code(definition, study=None)
    with transaction.atomic():
        study = Study.objects.create(researcher=researcher, **_fields(definition, data))
        _consent_create(study=study, definition=definition, number=1)
    return study


def study_update(*, study: Study, data: Any, today: dt.date | None = None) -> Study:
    """Change a study's definition. The consent texts change only by a new version
    (``consent_publish``), so ``data["consent"]`` must be as the current version has it
    or it is published as the next one."""
    definition = parse_definition(data, instruments=installed_instruments())
    _check_dates(definition, today=today or timezone.localdate(), before=study)
    _check_code(definition, study=study)
    with transaction.atomic():
        before = (study.schedule, study.starts_on, study.ends_on, study.is_couple)
        for name, value in _fields(definition, data).items():
            setattr(study, name, value)
        study.save()
        if before != (study.schedule, study.starts_on, study.ends_on, study.is_couple):
            from alongside.research.planning import replan_study

            replan_study(study)
        current = study.current_consent()
        if current is None or consent_data(current) != definition.consent.model_dump():
            _consent_create(
                study=study, definition=definition, number=(current.number + 1 if current else 1)
            )
    return study


def _consent_create(*, study: Study, definition: Definition, number: int) -> ConsentVersion:
    c = definition.consent
    return ConsentVersion.objects.create(
        study=study,
        number=number,
        information_sheet=c.information_sheet,
        text=c.text,
        researcher_sees_identity=c.researcher_sees_identity,
        on_withdrawal=c.on_withdrawal,
    )


def consent_data(version: ConsentVersion) -> dict[str, Any]:
    return {
        "information_sheet": version.information_sheet,
        "text": version.text,
        "researcher_sees_identity": version.researcher_sees_identity,
        "on_withdrawal": version.on_withdrawal,
    }


def study_data(study: Study) -> dict[str, Any]:
    """The study as its study file has it (``study_create`` of this gives the same)."""
    current = study.current_consent()
    assert current is not None  # every study is created with its first version
    return {
        "title": study.title,
        "description": study.description,
        "code": study.code,
        "id_prefix": study.id_prefix,
        "couple": study.is_couple,
        "starts_on": study.starts_on,
        "ends_on": study.ends_on,
        "consent": consent_data(current),
        "items": study.items,
        "schedule": study.schedule,
    }


@transaction.atomic
def consent_publish(
    *,
    study: Study,
    information_sheet: str,
    text: str,
    researcher_sees_identity: bool,
    on_withdrawal: str,
) -> ConsentVersion:
    """A new consent version. Every participant still taking part is asked to accept it
    before their next prompt (``Participant.objects.promptable`` leaves them out)."""
    current = Study.objects.select_for_update().get(pk=study.pk).current_consent()
    return ConsentVersion.objects.create(
        study=study,
        number=(current.number + 1) if current else 1,
        information_sheet=information_sheet,
        text=text,
        researcher_sees_identity=researcher_sees_identity,
        on_withdrawal=on_withdrawal,
    )


# ------------------------------------------------------------------ enrolment


def study_for_code(raw: str, *, today: dt.date) -> Study:
    study = Study.objects.filter(code=normalise_code(raw)).first()
    if study is None or not study.is_open_for_joining(today):
        raise CodeUnusable(_wrong_code())
    return study


def _wrong_code() -> str:
    return _(
        "That code doesn't open a study we can offer you. Check it with the research team "
        "and try again."
    )


def _new_study_code(study: Study) -> str:
    """A random study ID, unique in the study: EVN-014. Three digits while there is
    room, then more."""
    taken = set(study.participants.values_list("study_code", flat=True))
    digits = 3
    while True:
        for _try in range(40):
            number = secrets.randbelow(10**digits)
            code = f"{study.id_prefix}-{number:0{digits}d}"
            if code not in taken:
                return code
        digits += 1


def participation_of(user: Any, study: Study) -> Participant | None:
    return Participant.objects.filter(study=study, user=user).first()


def participant_join(*, study: Study, user: Any, version: int) -> Participant:
    """``user`` accepts consent version ``version`` and joins. Raises ``ResearchProblem``
    when they take part already or the version is no longer the current one."""
    with transaction.atomic():
        Study.objects.select_for_update().filter(pk=study.pk).first()
        current = study.current_consent()
        if current is None or current.number != version:
            raise ResearchProblem(
                _("The study's information changed while you were reading. Please read it again.")
            )
        for _try in range(5):
            if participation_of(user, study) is not None:
                raise ResearchProblem(_("You are taking part in this study already."))
            try:
                with transaction.atomic():
                    participant = Participant.objects.create(
                        study=study,
                        user=user,
                        study_code=_new_study_code(study),
                        consent_version=current.number,
                        time_zone=getattr(user, "time_zone", "") or "UTC",
                    )
                break
            except IntegrityError:
                continue  # joined at the same moment, or the same study ID drawn: look again
        else:
            raise RuntimeError("could not draw a free study ID")
        Consent.objects.create(participant=participant, version=current)
    if not study.prompts_together:
        plan_quietly(participant)
    return participant


def plan_quietly(participant: Participant) -> int:
    """Plan ``participant``'s prompts; a plan that cannot be made (a couple whose windows
    never overlap, waking hours that no longer fit) stores none, and their page says
    so (``Participant.planned`` is false)."""
    from alongside.research.planning import plan_participant
    from alongside.research.schedule import ScheduleError

    try:
        return plan_participant(participant)
    except ScheduleError:
        return 0


@transaction.atomic
def consent_accept(*, participant: Participant, version: int) -> None:
    """A participant accepts the study's current consent version (after a new one)."""
    current = participant.study.current_consent()
    if current is None or current.number != version:
        raise ResearchProblem(
            _("The study's information changed while you were reading. Please read it again.")
        )
    if participant.status == "withdrawn":
        raise ResearchProblem(_("You have left this study."))
    Consent.objects.get_or_create(participant=participant, version=current)
    participant.consent_version = current.number
    participant.save(update_fields=["consent_version"])


# --------------------------------------------------------------------- dyads


def dyad_start(*, participant: Participant) -> Dyad:
    """The first partner's pair code (the same one each time until it is used)."""
    if not participant.study.is_couple or participant.status == "withdrawn":
        raise ResearchProblem(_("This study does not pair partners."))
    found = participant.dyad()
    if found is not None:
        return found
    for _try in range(10):
        try:
            with transaction.atomic():
                return Dyad.objects.create(
                    study=participant.study, code=Dyad.new_code(), first=participant
                )
        except IntegrityError:
            continue  # the same code drawn twice: draw again
    raise RuntimeError("could not draw a free pair code")


def _name_dyad(dyad: Dyad) -> None:
    """The formed dyad's study ID: "EVN-D01", numbered in the order dyads formed (under
    the study's row lock, so two dyads forming at once get different numbers)."""
    study = Study.objects.select_for_update().get(pk=dyad.study_id)
    taken = Dyad.objects.filter(study=study).exclude(study_code="").count()
    for number in range(taken + 1, taken + 1000):
        code = f"{study.id_prefix}-D{number:02d}"
        if not Dyad.objects.filter(study=study, study_code=code).exists():
            Dyad.objects.filter(pk=dyad.pk).update(study_code=code)
            return
    raise RuntimeError("could not name the dyad")


def _wrong_pair_code() -> str:
    return _(
        "That pair code doesn't work here. Each pair code works once, in one study: ask "
        "your partner for the code the study gave them."
    )


def dyad_join(*, participant: Participant, raw_code: str) -> Dyad:
    """The second partner enters the pair code: the dyad is formed. Raises
    ``CodeUnusable`` (one message for every code that opens nothing) or
    ``ResearchProblem``."""
    code = Dyad.normalise_code(raw_code)
    if participant.status == "withdrawn":
        raise ResearchProblem(_("You have left this study."))
    own = participant.dyad()
    if own is not None and own.is_formed:
        raise ResearchProblem(_("You are paired for this study already."))
    if own is not None and own.code == code:
        raise ResearchProblem(
            _("That is your own pair code. Give it to your partner: they enter it.")
        )
    dyad = (
        Dyad.objects.select_related("first")
        .filter(code=code, study=participant.study, second__isnull=True)
        .exclude(first__status="withdrawn")
        .first()
    )
    if dyad is None:
        raise CodeUnusable(_wrong_pair_code())
    with transaction.atomic():
        if own is not None:
            own.delete()  # the code they had drawn themselves is no longer needed
        # One conditional UPDATE: of two people entering the same code at once, one pairs.
        formed = Dyad.objects.filter(pk=dyad.pk, second__isnull=True).update(
            second=participant, formed_at=timezone.now()
        )
        if not formed:
            raise CodeUnusable(_wrong_pair_code())
        _name_dyad(dyad)
    dyad.refresh_from_db()
    if participant.study.prompts_together:
        plan_quietly(participant)
    return dyad


# -------------------------------------------------------- pausing, withdrawing


def participant_pause(*, participant: Participant) -> None:
    if participant.status == "active":
        participant.status = "paused"
        participant.paused_at = timezone.now()
        participant.save(update_fields=["status", "paused_at"])


def participant_resume(*, participant: Participant) -> None:
    if participant.status == "paused":
        participant.status = "active"
        participant.paused_at = None
        participant.save(update_fields=["status", "paused_at"])


def withdrawal_choice(participant: Participant) -> str:
    """ "ask", "keep" or "delete", as the consent the participant accepted says."""
    version = ConsentVersion.objects.filter(
        study=participant.study, number=participant.consent_version
    ).first()
    return version.on_withdrawal if version else "ask"


@transaction.atomic
def participant_withdraw(*, participant: Participant, delete: bool) -> None:
    """Leave the study. With ``delete``, their answers and planned prompts go and the row
    stays only as an anonymous record of a withdrawal (no person, nothing collected).
    The consent decides when it says so; otherwise ``delete`` is the participant's."""
    choice = withdrawal_choice(participant)
    if choice != "ask":
        delete = choice == "delete"
    now = timezone.now()
    Prompt.objects.filter(participant=participant, scheduled_at__gt=now).delete()
    if delete:
        Answer.objects.filter(prompt__participant=participant).delete()
        Prompt.objects.filter(participant=participant).delete()
        participant.user = None
    participant.status = "withdrawn"
    participant.withdrawn_at = now
    participant.paused_at = None
    participant.data_deleted = delete
    participant.save()
    # A pair code nobody used yet opens nothing any more.
    Dyad.objects.filter(first=participant, second__isnull=True).delete()


def account_deleting(sender: Any, instance: Any, **kwargs: Any) -> None:
    """An account is being deleted: it leaves each study it takes part in. What it gave
    is deleted unless the consent said it is kept; the study keeps an anonymous record."""
    for participant in Participant.objects.filter(user=instance).exclude(status="withdrawn"):
        participant_withdraw(participant=participant, delete=True)


# ------------------------------------------------------------------- prompts


class PromptClosed(ResearchProblem):
    """The prompt expired (or was answered already) before the answers came."""


def prompt_open(*, prompt: Prompt, now: dt.datetime | None = None) -> None:
    """The participant opened the prompt (its page, or the API): the first time counts."""
    now = now or timezone.now()
    if prompt.opened_at is None and prompt.scheduled_at <= now < prompt.expires_at:
        Prompt.objects.filter(pk=prompt.pk, opened_at__isnull=True).update(opened_at=now)
        prompt.opened_at = now


def prompt_answer(*, prompt: Prompt, data: Any, now: dt.datetime | None = None) -> dict[str, Any]:
    """Store the answers to ``prompt`` (checked by ``answers.check_answers``, which raises
    ``AnswersInvalid`` naming each bad item). Raises ``PromptClosed`` when it expired or
    was answered, ``ResearchProblem`` when the participant cannot answer now (paused,
    left, consent to renew, not open yet). Returns what was stored."""
    from alongside.research.answers import check_answers

    now = now or timezone.now()
    participant = prompt.participant
    study = participant.study
    if participant.status == "withdrawn":
        raise ResearchProblem(_("You have left this study."))
    if participant.status == "paused":
        raise ResearchProblem(_("You have paused taking part. Resume it to answer."))
    if not participant.has_current_consent:
        raise ResearchProblem(_("The study's information changed: please read it again first."))
    if now < prompt.scheduled_at:
        raise ResearchProblem(_("This prompt is not open yet."))
    if prompt.completed_at is not None:
        raise PromptClosed(_("You answered this prompt already. Thank you."))
    if now >= prompt.expires_at:
        raise PromptClosed(_prompt_closed_message())
    cleaned = check_answers(study.items, data)
    with transaction.atomic():
        # One conditional UPDATE: a second submit (or a late one) stores nothing.
        done = Prompt.objects.filter(
            pk=prompt.pk, completed_at__isnull=True, expires_at__gt=now
        ).update(completed_at=now)
        if not done:
            raise PromptClosed(_prompt_closed_message())
        if prompt.opened_at is None:
            Prompt.objects.filter(pk=prompt.pk, opened_at__isnull=True).update(opened_at=now)
        Answer.objects.bulk_create(
            Answer(prompt=prompt, item_id=key, value=value, answered_at=now)
            for key, value in cleaned.items()
        )
    prompt.refresh_from_db()
    return cleaned


def _prompt_closed_message() -> str:
    return _(
        "This prompt closed before your answers arrived, so they were not kept for the "
        "study. That's all right: the next one will come at its time."
    )


def account_moving(sender: Any, instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
    """An account's time zone is about to change: each study that followed the old one
    (the participant did not choose another zone for it) follows to the new one, and
    what is still ahead is re-planned (docs/research.md, "Prompts")."""
    if instance.pk is None or (update_fields is not None and "time_zone" not in update_fields):
        return  # a new account, or a save of other fields (a sign-in's last_login)
    old = type(instance).objects.filter(pk=instance.pk).values_list("time_zone", flat=True).first()
    if old is None or old == instance.time_zone:
        return
    following = Participant.objects.filter(user_id=instance.pk, time_zone=old).exclude(
        status="withdrawn"
    )
    moved = list(following.select_related("study"))
    for participant in moved:
        participant.time_zone = instance.time_zone
        participant.save(update_fields=["time_zone"])

    def replan() -> None:
        for participant in moved:
            plan_quietly(participant)

    # Once the account's own change is saved too.
    transaction.on_commit(replan)
