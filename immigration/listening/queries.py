"""The figures of the results pages: how many answered, the average, the distribution of the
scores, by month, and the comments. No names unless the reader may see them (views)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Avg, Count, QuerySet
from django.db.models.functions import TruncMonth

from guests.deadlines import LOCAL_TZ
from luutru.models import Province

from ..models import Rating, Survey, SurveyAnswer
from . import services

COMMENTS_SHOWN = 100


@dataclass(frozen=True)
class Figures:
    count: int
    average: float | None
    distribution: list[tuple[int, int]]  # (score, how many), for 1 to 5

    @property
    def shares(self) -> list[tuple[int, int, int]]:
        """(score, how many, percent of all)."""
        return [
            (score, n, round(100 * n / self.count) if self.count else 0)
            for score, n in self.distribution
        ]


@dataclass(frozen=True)
class Month:
    month: date
    count: int
    average: float | None


def figures(scored: QuerySet) -> Figures:
    """``scored``: ratings or answers (a ``score`` of 1-5 each)."""
    counts = dict(scored.order_by().values_list("score").annotate(n=Count("id")))
    total = sum(counts.values())
    average = scored.aggregate(avg=Avg("score"))["avg"]
    return Figures(
        count=total,
        average=round(average, 2) if average is not None else None,
        distribution=[(score, counts.get(score, 0)) for score in range(1, 6)],
    )


def ratings_of(province: Province) -> QuerySet[Rating]:
    """The ratings of the province's decided applications."""
    return Rating.objects.filter(application__province=province)


def by_month(ratings: QuerySet[Rating]) -> list[Month]:
    rows = (
        ratings.order_by()
        .annotate(month=TruncMonth("rated_at", tzinfo=LOCAL_TZ))
        .values("month")
        .annotate(n=Count("id"), avg=Avg("score"))
        .order_by("month")
    )
    found = {r["month"].date(): r for r in rows}
    if not found:
        return []
    # Every month from the first to the last, a month without ratings included (no average:
    # the chart's line breaks there rather than joining its neighbours).
    months, month, last = [], min(found), max(found)
    while month <= last:
        row = found.get(month)
        months.append(
            Month(
                month=month,
                count=row["n"] if row else 0,
                average=round(row["avg"], 2) if row else None,
            )
        )
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return months


def rating_comments(ratings: QuerySet[Rating]) -> list[Rating]:
    """The comments, newest first, with nothing of who wrote them."""
    return list(
        ratings.exclude(comment="")
        .only("score", "comment", "rated_at", "application__kind")
        .select_related("application")
        .order_by("-rated_at", "-id")[:COMMENTS_SHOWN]
    )


@dataclass(frozen=True)
class SurveyResults:
    figures: Figures
    recipients: int

    @property
    def response_rate(self) -> int | None:
        if not self.recipients:
            return None
        return round(100 * self.figures.count / self.recipients)


def survey_results(survey: Survey) -> SurveyResults:
    scored = figures(survey.answers.all())
    # The lodgings of the area today; one that answered and has closed since still counts.
    recipients = max(services.recipients_of(survey).count(), scored.count)
    return SurveyResults(figures=scored, recipients=recipients)


def survey_answers(survey: Survey, *, with_names: bool) -> list[SurveyAnswer]:
    """The answers with a comment (all of them, with the lodging's name, to a reader who may
    see who answered), newest first."""
    answers = survey.answers.order_by("-answered_at", "-id")
    if with_names:
        return list(answers.select_related("establishment")[:COMMENTS_SHOWN])
    return list(
        answers.exclude(comment="").only("score", "comment", "answered_at")[:COMMENTS_SHOWN]
    )


def answer_counts(surveys: QuerySet[Survey]) -> QuerySet[Survey]:
    return surveys.annotate(answer_count=Count("answers"), average=Avg("answers__score"))
