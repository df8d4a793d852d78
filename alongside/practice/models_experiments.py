"""Reliance experiments, the ladder and relational experiments.

An experiment follows the shape of a behavioural experiment in CBT (Bennett-Levy et al.,
*Oxford Guide to Behavioural Experiments*, 2004): a belief and a testable prediction
written *before* a small ask (or offer), what happened written *after*. The ladder orders
asks from easiest to hardest and suggests the next step from how often predictions were
proven wrong on a step (expectation violation, Craske et al. 2014), never from anxiety
having to fall.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alongside.lib.crypto import EncryptedCharField, EncryptedTextField

__all__ = [
    "AskedAnswer",
    "Ladder",
    "RelianceExperiment",
    "Step",
]

RATING_MIN, RATING_MAX = 0, 100
ASKED_MIN, ASKED_MAX = 1, 5
TEXT_MAX_LENGTH = 2000
SHORT_MAX_LENGTH = 200
WORD_MAX_LENGTH = 40
# The suggestion rule, written out on the ladder page: of the last LOOK_BACK experiments
# on a step, at least ENOUGH went better than predicted -> the next step up is suggested.
LOOK_BACK, ENOUGH = 3, 2

DIRECTIONS: list[tuple[str, Any]] = [
    ("ask", _("An ask of someone")),
    ("offer", _("An offer of support to someone")),
]
CAME_TRUE: list[tuple[str, Any]] = [
    ("no", _("No")),
    ("partly", _("Partly")),
    ("yes", _("Yes")),
]
# How much of the feared prediction happened: "no" is a full surprise, "partly" half.
CAME_TRUE_SHARE = {"no": 0, "partly": 50, "yes": 100}
SAFETY_BEHAVIOURS: list[tuple[str, Any]] = [
    ("apologising", _("Over-apologising")),
    ("doing_it_first", _("Doing it all myself first")),
    ("vague", _("Asking so vaguely they can easily say no")),
    ("explaining", _("Explaining at length why I deserve it")),
]
ASKED_SCALE: list[tuple[int, Any]] = [
    (1, _("1 · hard")),
    (2, _("2")),
    (3, _("3 · fine")),
    (4, _("4")),
    (5, _("5 · good")),
]


def _percent(label: Any, *, required: bool = True) -> models.PositiveSmallIntegerField[Any, Any]:
    return models.PositiveSmallIntegerField(
        label,
        null=not required,
        blank=not required,
        validators=[MinValueValidator(RATING_MIN), MaxValueValidator(RATING_MAX)],
    )


class Ladder(models.Model):
    """A person's asks, ordered from easiest to hardest."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practice_ladders"
    )
    title = EncryptedCharField(_("what this ladder is about"), max_length=SHORT_MAX_LENGTH)
    is_private = models.BooleanField(
        _("Keep this ladder private"),
        default=False,
        help_text=_("Nobody you share with will see it, or know that it exists."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("created_at", "pk")

    def __str__(self) -> str:
        return f"Ladder {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("practice:ladder", kwargs={"pk": self.pk})

    def ordered_steps(self) -> list[Step]:
        return list(self.steps.order_by("position", "pk"))

    def add_step(self, text: str) -> Step:
        with transaction.atomic():
            last = self.steps.aggregate(top=models.Max("position"))["top"]
            return Step.objects.create(ladder=self, text=text, position=(last or 0) + 1)

    def suggestion(self) -> Suggestion | None:
        """The step suggested next, by the rule written on the page (see ``Step.ready``).

        The easiest step that is not yet "ready" is suggested. A step is never failed: a
        person may stay on one as long as they like, and the rule never asks for anxiety
        to fall, only for predictions to have been proven wrong often enough.
        """
        steps = self.ordered_steps()
        for index, step in enumerate(steps):
            if not step.ready():
                if step.recent_outcomes():
                    return Suggestion(step=step, reason="again")
                return Suggestion(step=step, reason="next" if index else "start")
        return Suggestion(step=steps[-1], reason="top") if steps else None

    def to_dict(self) -> dict[str, Any]:
        suggestion = self.suggestion()
        return {
            "id": self.pk,
            "title": self.title,
            "is_private": self.is_private,
            "created_at": self.created_at.isoformat(),
            "steps": [s.to_dict() for s in self.ordered_steps()],
            "suggested_step_id": suggestion.step.pk if suggestion else None,
        }


@dataclass(frozen=True)
class Suggestion:
    step: Step
    # "start": the first step; "next": the step below went better than predicted often
    # enough; "again": another try on this step; "top": every step is there already.
    reason: str


class StepOutOfRange(Exception):
    """A step asked to move past the top or bottom of its ladder."""


class Step(models.Model):
    ladder = models.ForeignKey(Ladder, on_delete=models.CASCADE, related_name="steps")
    text = EncryptedCharField(_("the ask"), max_length=SHORT_MAX_LENGTH)
    position = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("position", "pk")

    def __str__(self) -> str:
        return f"Step {self.pk}"

    @property
    def owner(self) -> Any:
        return self.ladder.owner

    def move(self, direction: str) -> None:
        """Swap with the neighbour above or below.

        "up" moves the step towards the easy end (earlier in the list), "down" towards
        the hard end. Past either end raises ``StepOutOfRange`` and changes nothing.
        """
        if direction not in ("up", "down"):
            raise StepOutOfRange(direction)
        with transaction.atomic():
            steps = list(Ladder.objects.select_for_update().get(pk=self.ladder_id).steps.all())
            steps.sort(key=lambda s: (s.position, s.pk))
            index = next(i for i, s in enumerate(steps) if s.pk == self.pk)
            other = index - 1 if direction == "up" else index + 1
            if other < 0 or other >= len(steps):
                raise StepOutOfRange(direction)
            steps[index], steps[other] = steps[other], steps[index]
            # Renumber all: positions stay 1..n whatever happened before.
            for position, step in enumerate(steps, start=1):
                if step.position != position:
                    Step.objects.filter(pk=step.pk).update(position=position)
            self.position = other + 1

    def experiments_done(self) -> list[RelianceExperiment]:
        return [e for e in self.experiments.order_by("created_at", "pk") if e.is_complete]

    def recent_outcomes(self) -> list[bool]:
        """For the last experiments with an after part: did each go better than predicted?"""
        done = self.experiments_done()[-LOOK_BACK:]
        return [bool(e.went_better) for e in done]

    def ready(self) -> bool:
        """At least ENOUGH of the last LOOK_BACK went better than predicted."""
        return sum(self.recent_outcomes()) >= ENOUGH

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.pk,
            "ladder_id": self.ladder_id,
            "text": self.text,
            "position": self.position,
            "experiment_ids": [e.pk for e in self.experiments.order_by("created_at", "pk")],
        }


class AfterBeforeBefore(Exception):
    """An after part for an experiment whose before part is not there."""


class RelianceExperiment(models.Model):
    """One small ask (or offer), planned before and looked back on after."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practice_experiments"
    )
    step = models.ForeignKey(
        Step,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="experiments",
        verbose_name=_("step on a ladder"),
    )
    direction = models.CharField(
        _("what kind of experiment"), max_length=10, choices=DIRECTIONS, default="ask"
    )
    person = models.ForeignKey(
        "circle.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("someone in my circle"),
    )
    person_text = EncryptedCharField(_("or, in my own words"), max_length=80, blank=True)
    # Therapist-ready: someone in the circle (a therapist, later) may suggest an experiment.
    suggested_by = models.ForeignKey(
        "circle.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Before
    belief = EncryptedTextField(
        _("the belief behind the fear"), max_length=TEXT_MAX_LENGTH, blank=False
    )
    belief_before = _percent(_("how strongly I believe it (0 to 100)"))
    prediction = EncryptedTextField(
        _("what I predict will happen"), max_length=TEXT_MAX_LENGTH, blank=False
    )
    prediction_likelihood = _percent(_("how likely it feels (0 to 100)"))
    discomfort_expected = _percent(_("how uncomfortable I expect to feel (0 to 100)"))
    safety_behaviours = models.JSONField(_("what I will try not to do"), default=list, blank=True)
    safety_other = EncryptedCharField(_("something else"), max_length=SHORT_MAX_LENGTH, blank=True)
    # After
    happened = EncryptedTextField(
        _("what actually happened"), max_length=TEXT_MAX_LENGTH, blank=True
    )
    came_true = models.CharField(
        _("did the prediction come true?"), max_length=10, choices=CAME_TRUE, blank=True
    )
    discomfort_felt = _percent(_("how uncomfortable I felt (0 to 100)"), required=False)
    learned = EncryptedTextField(_("what I learned"), max_length=TEXT_MAX_LENGTH, blank=True)
    belief_after = _percent(_("how strongly I believe it now (0 to 100)"), required=False)
    # Stored with the after part, so every view tells the same story (see record_after).
    prediction_error = models.SmallIntegerField(null=True, blank=True)
    discomfort_error = models.SmallIntegerField(null=True, blank=True)
    belief_change = models.SmallIntegerField(null=True, blank=True)
    went_better = models.BooleanField(null=True, blank=True)
    # Relational: the linked account asked, invited to answer one blind question.
    invited = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="practice_invitations",
    )
    is_private = models.BooleanField(
        _("Keep this experiment private"),
        default=False,
        help_text=_("Nobody you share with will see it, or know that it exists."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    after_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-pk")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(belief_before__lte=RATING_MAX)
                & models.Q(prediction_likelihood__lte=RATING_MAX)
                & models.Q(discomfort_expected__lte=RATING_MAX),
                name="practice_before_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Experiment {self.pk}"

    @property
    def has_before(self) -> bool:
        return bool(self.belief and self.prediction) and None not in (
            self.belief_before,
            self.prediction_likelihood,
            self.discomfort_expected,
        )

    @property
    def is_complete(self) -> bool:
        return self.has_before and self.after_at is not None

    def who(self) -> str:
        if self.person_id is not None and self.person is not None:
            return self.person.name
        return self.person_text

    def safety_labels(self) -> list[Any]:
        labels = dict(SAFETY_BEHAVIOURS)
        shown = [labels.get(key, key) for key in self.safety_behaviours]
        return [*shown, self.safety_other] if self.safety_other else shown

    def record_after(
        self,
        *,
        happened: str,
        came_true: str,
        discomfort_felt: int,
        learned: str,
        belief_after: int,
    ) -> None:
        """Write the after part and store what it means, in one save.

        prediction error: how likely the prediction felt minus how much of it came true
        (positive: it went better than predicted). Discomfort error: expected minus felt.
        Belief change: before minus after (positive: the belief loosened).
        """
        if not self.has_before:
            raise AfterBeforeBefore
        self.happened = happened
        self.came_true = came_true
        self.discomfort_felt = discomfort_felt
        self.learned = learned
        self.belief_after = belief_after
        self.prediction_error = self.prediction_likelihood - CAME_TRUE_SHARE[came_true]
        self.discomfort_error = self.discomfort_expected - discomfort_felt
        self.belief_change = self.belief_before - belief_after
        # "Better than predicted": the feared prediction did not (fully) come true.
        self.went_better = came_true != "yes"
        self.after_at = self.after_at or timezone.now()
        self.save()

    def answer_of_asked(self) -> AskedAnswer | None:
        return AskedAnswer.objects.filter(experiment=self).first()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.pk,
            "direction": self.direction,
            "step_id": self.step_id,
            "person_id": self.person_id,
            "person_text": self.person_text,
            "suggested_by_id": self.suggested_by_id,
            "before": {
                "belief": self.belief,
                "belief_strength": self.belief_before,
                "prediction": self.prediction,
                "prediction_likelihood": self.prediction_likelihood,
                "discomfort_expected": self.discomfort_expected,
                "safety_behaviours": list(self.safety_behaviours),
                "safety_other": self.safety_other,
            },
            "after": {
                "happened": self.happened,
                "came_true": self.came_true,
                "discomfort_felt": self.discomfort_felt,
                "learned": self.learned,
                "belief_strength": self.belief_after,
            }
            if self.after_at
            else None,
            "prediction_error": self.prediction_error,
            "discomfort_error": self.discomfort_error,
            "belief_change": self.belief_change,
            "went_better": self.went_better,
            "complete": self.is_complete,
            "is_private": self.is_private,
            "invited": self.invited_id is not None,
            "created_at": self.created_at.isoformat(),
            "after_at": self.after_at.isoformat() if self.after_at else None,
        }


class AlreadyAnswered(Exception):
    """The asked person answered (or declined) before: an answer stays as first given."""


class AskedAnswer(models.Model):
    """The asked person's blind answer: "How was it for you to be asked?"

    It belongs to the asked person (``owner``), so the asker reads it only through the
    read path, and only once the asker's own after part exists. A decline is stored as a
    row without a rating; the asker's pages show it exactly like no answer at all.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practice_answers"
    )
    experiment = models.OneToOneField(
        RelianceExperiment, on_delete=models.CASCADE, related_name="asked_answer"
    )
    rating = models.PositiveSmallIntegerField(
        _("how was it for you to be asked?"),
        null=True,
        blank=True,
        validators=[MinValueValidator(ASKED_MIN), MaxValueValidator(ASKED_MAX)],
    )
    word = EncryptedCharField(_("one word for it"), max_length=WORD_MAX_LENGTH, blank=True)
    declined = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Answer {self.pk}"

    @classmethod
    def give(
        cls, *, experiment: RelianceExperiment, owner: Any, rating: int | None, word: str
    ) -> AskedAnswer:
        """Answer (``rating`` given) or decline (``rating`` None), once."""
        with transaction.atomic():
            if cls.objects.select_for_update().filter(experiment=experiment).exists():
                raise AlreadyAnswered
            return cls.objects.create(
                owner=owner,
                experiment=experiment,
                rating=rating,
                word=word if rating is not None else "",
                declined=rating is None,
            )

    def to_dict(self) -> dict[str, Any]:
        return {
            "experiment_id": self.experiment_id,
            "rating": self.rating,
            "word": self.word,
            "declined": self.declined,
            "created_at": self.created_at.isoformat(),
        }


@dataclass(frozen=True)
class AskedReveal:
    """What one side of a relational experiment sees: their own part, and the other's
    only once both exist (``theirs`` None means "no answer", whatever the reason)."""

    mine: Any
    theirs: Any

    @property
    def revealed(self) -> bool:
        return self.mine is not None and self.theirs is not None
