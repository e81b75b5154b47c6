"""Factors of the person's own: managed on the questions page, answered on the check-in, carried
in the diary file, and judged by the insights in the same family as the built-in factors."""

import json
from datetime import UTC, date, datetime, time, timedelta

import numpy as np
import pytest
from django.urls import reverse

from diary.analysis.daytable import CustomFactorRecord, EpisodeRecord, build_day_table
from diary.analysis.triggers import analyse_factors, benjamini_hochberg, trigger_factors
from diary.apps import INVALID_CHOICE
from diary.files.diaryfile import DiaryFileError, dumps, parse_document
from diary.files.portability import export_document, merge_diary, read_upload
from diary.insights import build_document, load_diary
from diary.limits import MAX_CUSTOM_FACTORS
from diary.models import CheckIn, CustomAnswer, CustomFactor, Episode, Profile
from diary.vocabularies import CheckInQuestion
from tests.factories import make_checkin, make_factor, new_episode
from tests.synthetic_diary import ZONE, PlantedEffects, generate

DAY = date(2025, 6, 10)
NOW = datetime(2025, 7, 1, 12, tzinfo=UTC)


def new_url() -> str:
    return reverse("diary:customfactor_new")


def edit_url(factor: CustomFactor) -> str:
    return reverse("diary:customfactor_edit", args=[factor.pk])


def delete_url(factor: CustomFactor) -> str:
    return reverse("diary:customfactor_delete", args=[factor.pk])


def day_url(day: date = DAY) -> str:
    return reverse("diary:checkin_day", args=[day])


# Adding, renaming and deleting.


def test_it_adds_a_scale_factor_with_its_threshold(auth_client, user):
    response = auth_client.post(new_url(), {"name": "Back pain", "kind": "scale", "threshold": "6"})
    assert response.status_code == 302
    assert response["Location"] == reverse("diary:checkin_questions")
    saved = CustomFactor.objects.get(user=user)
    assert (saved.name, saved.kind, saved.threshold) == ("Back pain", "scale", 6)
    assert "Back pain" in auth_client.get(reverse("diary:checkin_questions")).text


def test_a_yes_no_factor_keeps_no_threshold(auth_client, user):
    auth_client.post(new_url(), {"name": "Salty food", "kind": "yes_no", "threshold": "3"})
    assert CustomFactor.objects.get(user=user).threshold is None


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"kind": "count"}, "threshold", "A count or a scale needs its threshold."),
        ({"kind": "scale", "threshold": "11"}, "threshold", "Choose a threshold from 1 to 10."),
        ({"kind": "count", "threshold": "0"}, "threshold", "Choose a threshold from 1 to 50."),
        ({"kind": "horoscope"}, "kind", INVALID_CHOICE),
    ],
)
def test_a_threshold_that_does_not_fit_is_refused(auth_client, user, data, field, message):
    response = auth_client.post(new_url(), {"name": "Gardening", **data})
    assert response.status_code == 200
    assert message in response.context["form"].errors[field][0]
    assert not CustomFactor.objects.exists()


def test_a_name_already_used_ignoring_case_is_refused(auth_client, user):
    make_factor(user, "Salty food")
    response = auth_client.post(new_url(), {"name": "salty FOOD", "kind": "yes_no"})
    assert response.context["form"].errors["name"] == [
        "You already have a factor called “salty FOOD”."
    ]
    assert CustomFactor.objects.count() == 1


def test_at_most_twenty_factors(auth_client, user):
    for number in range(MAX_CUSTOM_FACTORS):
        make_factor(user, f"Factor {number}")
    response = auth_client.post(new_url(), {"name": "One more", "kind": "yes_no"})
    assert response.status_code == 200
    assert "the most there can be" in str(response.context["form"].non_field_errors())
    assert CustomFactor.objects.count() == MAX_CUSTOM_FACTORS
    page = auth_client.get(reverse("diary:checkin_questions")).text
    assert "Add a factor of your own" not in page


def test_renaming_keeps_the_answers_and_the_kind_is_fixed(auth_client, user):
    salty = make_factor(user, "Salty food")
    checkin = make_checkin(user, DAY)
    CustomAnswer.objects.create(checkin=checkin, factor=salty, value=1)
    response = auth_client.post(
        edit_url(salty), {"name": "Salty snacks", "kind": "count", "threshold": "3"}
    )
    assert response.status_code == 302
    salty.refresh_from_db()
    assert (salty.name, salty.kind, salty.threshold) == ("Salty snacks", "yes_no", None)
    assert CustomAnswer.objects.get().factor == salty


def test_deleting_asks_first_and_then_removes_the_answers(auth_client, user):
    salty = make_factor(user)
    keep = make_factor(user, "Gardening", "count", threshold=2)
    checkin = make_checkin(user, DAY, water_ml=1500)
    CustomAnswer.objects.create(checkin=checkin, factor=salty, value=1)
    CustomAnswer.objects.create(checkin=checkin, factor=keep, value=3)

    question = auth_client.get(delete_url(salty))
    assert "It is answered on 1 check-in; those answers are deleted with it." in question.text
    assert CustomFactor.objects.count() == 2

    response = auth_client.post(delete_url(salty))
    assert response.status_code == 302
    assert list(CustomFactor.objects.all()) == [keep]
    assert [answer.factor for answer in CustomAnswer.objects.all()] == [keep]
    assert CheckIn.objects.get().water_ml == 1500


def test_another_persons_factor_is_not_found(auth_client, other_user):
    theirs = make_factor(other_user)
    assert auth_client.get(edit_url(theirs)).status_code == 404
    assert auth_client.post(delete_url(theirs)).status_code == 404
    assert CustomFactor.objects.filter(pk=theirs.pk).exists()


# On the check-in.


def test_the_check_in_asks_each_factor_in_its_own_way(auth_client, user):
    salty = make_factor(user)
    gardening = make_factor(user, "Hours gardening", "count", threshold=2)
    pain = make_factor(user, "Back pain", "scale", threshold=6)
    response = auth_client.get(day_url())
    assert f'name="custom_{salty.pk}" id="id_custom_{salty.pk}_0" value="True"' in response.text
    assert f'name="custom_{pain.pk}" id="id_custom_{pain.pk}_10" value="10"' in response.text
    assert f'name="custom_{gardening.pk}"' in response.text
    assert "Your own factors" in response.text


def test_saving_the_check_in_stores_and_clears_the_answers(auth_client, user):
    salty = make_factor(user)
    gardening = make_factor(user, "Hours gardening", "count", threshold=2)
    pain = make_factor(user, "Back pain", "scale", threshold=6)
    auth_client.post(
        day_url(),
        {f"custom_{salty.pk}": "False", f"custom_{gardening.pk}": "3", f"custom_{pain.pk}": "7"},
    )
    checkin = CheckIn.objects.get(user=user, date=DAY)
    assert {a.factor.name: a.value for a in checkin.custom_answers.all()} == {
        "Salty food": 0,
        "Hours gardening": 3,
        "Back pain": 7,
    }
    form = auth_client.get(day_url()).context["form"]
    assert form[f"custom_{salty.pk}"].value() is False
    assert form[f"custom_{pain.pk}"].value() == 7

    auth_client.post(day_url(), {f"custom_{gardening.pk}": "4", f"custom_{pain.pk}": ""})
    assert {a.factor.name: a.value for a in checkin.custom_answers.all()} == {"Hours gardening": 4}


def test_a_factors_answer_alone_is_a_check_in(auth_client, user):
    salty = make_factor(user)
    auth_client.post(day_url(), {f"custom_{salty.pk}": "True"})
    assert CustomAnswer.objects.get().value == 1


def test_a_count_out_of_range_is_refused_and_nothing_saved(auth_client, user):
    gardening = make_factor(user, "Hours gardening", "count", threshold=2)
    response = auth_client.post(day_url(), {f"custom_{gardening.pk}": "51", "stress": "3"})
    assert response.context["form"].errors[f"custom_{gardening.pk}"] == [
        "That's more than 50; check the number."
    ]
    assert not CheckIn.objects.exists() and not CustomAnswer.objects.exists()


def test_same_as_yesterday_copies_the_factors_answers(auth_client, user):
    pain = make_factor(user, "Back pain", "scale", threshold=6)
    yesterday = make_checkin(user, DAY - timedelta(days=1))
    CustomAnswer.objects.create(checkin=yesterday, factor=pain, value=8)
    form = auth_client.get(day_url() + "?fill=yesterday").context["form"]
    assert form[f"custom_{pain.pk}"].value() == 8


def questions_url() -> str:
    return reverse("diary:checkin_questions")


def test_a_factor_left_off_the_check_in_keeps_its_answers(auth_client, user):
    salty = make_factor(user)
    pain = make_factor(user, "Back pain", "scale", threshold=6)
    checkin = make_checkin(user, DAY, stress=2)
    CustomAnswer.objects.create(checkin=checkin, factor=salty, value=1)
    page = auth_client.get(questions_url())
    assert f'name="shown_factors" value="{salty.pk}"' in page.text

    # Untick "Salty food", keep "Back pain" and every built-in question.
    listed = [salty.pk, pain.pk]
    shown = {"shown": CheckInQuestion.values, "shown_factors": [pain.pk], "listed_factors": listed}
    auth_client.post(questions_url(), shown)
    assert list(CustomFactor.objects.filter(on_checkin=True)) == [pain]
    assert "not on your check-in" in auth_client.get(questions_url()).text

    form = auth_client.get(day_url()).context["form"]
    assert f"custom_{salty.pk}" not in form.fields and f"custom_{pain.pk}" in form.fields
    auth_client.post(day_url(), {"stress": "4", f"custom_{pain.pk}": "7"})
    answers = {a.factor.name: a.value for a in checkin.custom_answers.all()}
    assert answers == {"Salty food": 1, "Back pain": 7}

    # Ticked again, it is back on the check-in with its answer.
    auth_client.post(questions_url(), {**shown, "shown_factors": [salty.pk, pain.pk]})
    form = auth_client.get(day_url()).context["form"]
    assert form[f"custom_{salty.pk}"].value() is True


def test_another_persons_factor_cannot_be_shown_or_hidden(auth_client, user, other_user):
    theirs = make_factor(other_user, "Theirs")
    response = auth_client.post(
        questions_url(), {"shown": CheckInQuestion.values, "shown_factors": [theirs.pk]}
    )
    # With no factor of one's own there is no such field; the other's is untouched either way.
    assert response.status_code == 302
    mine = make_factor(user)
    response = auth_client.post(
        questions_url(),
        {
            "shown": CheckInQuestion.values,
            "shown_factors": [theirs.pk, mine.pk],
            "listed_factors": [theirs.pk, mine.pk],
        },
    )
    assert "shown_factors" in response.context["form"].errors
    assert CustomFactor.objects.get(pk=theirs.pk).on_checkin
    assert CustomFactor.objects.get(pk=mine.pk).on_checkin


def test_a_factor_added_in_another_tab_is_not_switched_off_by_an_older_page(auth_client, user):
    salty = make_factor(user)
    page = auth_client.get(questions_url())
    assert f'type="hidden" name="listed_factors" value="{salty.pk}"' in page.text
    make_factor(user, "Back pain", "scale", threshold=6)  # added in another tab
    # The older page knew only "Salty food", and unticks it.
    auth_client.post(
        questions_url(), {"shown": CheckInQuestion.values, "listed_factors": [salty.pk]}
    )
    shown = dict(CustomFactor.objects.values_list("name", "on_checkin"))
    assert shown == {"Salty food": False, "Back pain": True}


# In the diary file.


def _diary_with_factors(user) -> None:
    salty = make_factor(user, "Salty food")
    pain = make_factor(user, "Back pain", "scale", threshold=6)
    CustomFactor.objects.filter(pk=pain.pk).update(on_checkin=False)
    checkin = make_checkin(user, DAY, water_ml=1500)
    CustomAnswer.objects.create(checkin=checkin, factor=salty, value=0)
    CustomAnswer.objects.create(checkin=checkin, factor=pain, value=9)


def test_the_export_carries_the_factors_and_their_answers(user):
    _diary_with_factors(user)
    document = export_document(user, NOW)
    assert document["profile"]["custom_factors"] == [
        {"name": "Back pain", "kind": "scale", "threshold": 6, "on_checkin": False},
        {"name": "Salty food", "kind": "yes_no", "threshold": None, "on_checkin": True},
    ]
    assert document["checkins"][0]["custom_factors"] == {"Back pain": 9, "Salty food": False}


def test_factors_and_answers_import_into_an_empty_account(user, other_user):
    _diary_with_factors(user)
    raw = dumps(export_document(user, NOW))
    summary = merge_diary(other_user, read_upload(other_user, raw))
    assert str(summary).startswith("1 check-in added")
    again = export_document(other_user, NOW)
    original = json.loads(raw)
    assert again["profile"]["custom_factors"] == original["profile"]["custom_factors"]
    assert again["checkins"] == original["checkins"]
    assert not CustomFactor.objects.get(user=other_user, name="Back pain").on_checkin
    # The same file again changes nothing.
    second = merge_diary(other_user, read_upload(other_user, raw))
    assert str(second).startswith("0 check-ins added, 0 updated, 1 unchanged")


def test_a_file_from_before_custom_factors_still_imports(user):
    make_factor(user, "Salty food")
    old = {
        "format": "spasmlog-diary",
        "version": 1,
        "timezone": "Europe/Berlin",
        "profile": {"conditions": [], "other_condition": None, "medications": []},
        "checkins": [{"date": "2025-06-01", "water_ml": 1200}],
    }
    merge_diary(user, read_upload(user, json.dumps(old).encode()))
    checkin = CheckIn.objects.get(user=user)
    assert checkin.water_ml == 1200 and checkin.episodes_all_logged is None
    assert not checkin.custom_answers.exists()
    assert CustomFactor.objects.filter(user=user).count() == 1


def test_a_factor_without_on_checkin_is_asked_and_a_stored_one_keeps_its_choice(user):
    kept = make_factor(user, "Back pain", "scale", threshold=6)
    CustomFactor.objects.filter(pk=kept.pk).update(on_checkin=False)
    factors = [
        {"name": "Back pain", "kind": "scale", "threshold": 6},
        {"name": "Salty food", "kind": "yes_no", "threshold": None},
    ]
    merge_diary(user, read_upload(user, _document(factors, {"Salty food": True})))
    shown = dict(CustomFactor.objects.filter(user=user).values_list("name", "on_checkin"))
    assert shown == {"Back pain": False, "Salty food": True}


def _document(factors, answers) -> bytes:
    return json.dumps(
        {
            "format": "spasmlog-diary",
            "version": 1,
            "timezone": "UTC",
            "profile": {"custom_factors": factors},
            "checkins": [{"date": "2025-06-01", "custom_factors": answers}],
        }
    ).encode()


@pytest.mark.parametrize(
    "factors, answers, message",
    [
        ([], {"Salty": True}, 'checkins[0].custom_factors."Salty": is not one of this diary'),
        (
            [{"name": "Salty", "kind": "yes_no"}],
            {"Salty": 1},
            'checkins[0].custom_factors."Salty": 1 is not true or false',
        ),
        (
            [{"name": "Pain", "kind": "scale", "threshold": 6}],
            {"Pain": 11},
            'checkins[0].custom_factors."Pain": 11 is not between 0 and 10',
        ),
        (
            [{"name": "Pain", "kind": "scale", "threshold": 12}],
            {},
            "profile.custom_factors[0].threshold: 12 is not between 1 and 10",
        ),
        (
            [{"name": "Pain", "kind": "count"}],
            {},
            "profile.custom_factors[0].threshold: a count factor needs its threshold",
        ),
        (
            [{"name": "Pain", "kind": "yes_no"}, {"name": "pain", "kind": "yes_no"}],
            {},
            'profile.custom_factors[1].name: "pain" is listed twice',
        ),
    ],
)
def test_a_bad_factor_or_answer_refuses_the_file(factors, answers, message):
    with pytest.raises(DiaryFileError) as error:
        parse_document(_document(factors, answers), now=NOW)
    assert any(line.startswith(message) for line in error.value.messages), error.value.messages


def test_a_factor_of_another_kind_than_the_accounts_refuses_the_file():
    raw = _document([{"name": "salty", "kind": "count", "threshold": 2}], {"salty": 3})
    with pytest.raises(DiaryFileError) as error:
        parse_document(raw, now=NOW, known_factors={"Salty": "yes_no"})
    assert error.value.messages[0].startswith('profile.custom_factors[0].kind: "count", but')


def test_more_than_twenty_factors_with_the_accounts_refuses_the_file():
    factors = [{"name": f"New {n}", "kind": "yes_no"} for n in range(3)]
    known = {f"Old {n}": "yes_no" for n in range(18)}
    with pytest.raises(DiaryFileError) as error:
        parse_document(_document(factors, {}), now=NOW, known_factors=known)
    assert "21 custom factors; the most is 20" in error.value.messages[0]


# In the insights: the same machinery, the same false-discovery family.

BACK_PAIN = CustomFactorRecord("Back pain", "scale", 6)
SALTY = CustomFactorRecord("Salty food", "yes_no")
LAST_DAY = date(2025, 6, 30)
FIRST_DAY = LAST_DAY - timedelta(days=179)


def planted_diary(seed: int, effect: float):
    """A synthetic diary (no built-in effect) whose check-ins answer two own factors: back pain
    0–10 multiplies the day's rate by `effect` from 6 on; salty food does nothing."""
    diary = generate(seed, PlantedEffects(), days=180, last_day=LAST_DAY)
    rng = np.random.default_rng([seed, 15])
    extra = []
    for checkin in diary.checkins:
        pain, salty = int(rng.integers(0, 11)), bool(rng.random() < 0.4)
        checkin["custom_factors"] = {"Back pain": pain, "Salty food": salty}
        if pain >= 6:
            # A Poisson of rate base · (effect − 1) on top: the day's rate is base · effect.
            # Each at its own minute: no two episodes share a start, muscle and side.
            for minute in range(rng.poisson(PlantedEffects().base_rate * (effect - 1))):
                started = datetime.combine(checkin["date"], time(3, minute), tzinfo=ZONE)
                extra.append(
                    EpisodeRecord(started_at=started, muscle="calf", side="left", intensity=5)
                )
    diary.episodes.extend(extra)
    return diary


def analysed(diary):
    rows = build_day_table(diary.episodes, diary.checkins, ZONE, FIRST_DAY, LAST_DAY)
    return analyse_factors(rows, trigger_factors([BACK_PAIN, SALTY]))


def test_a_custom_factor_is_exposed_from_its_threshold_or_on_a_yes():
    pain, salty = trigger_factors([BACK_PAIN, SALTY])[-2:]
    assert (pain.key, pain.exposure) == ("custom:Back pain", "Back pain ≥ 6 of 10")
    assert salty.exposure == "Salty food: yes"
    assert [pain.is_exposed({"custom_factors": {"Back pain": n}}) for n in (5, 6)] == [False, True]
    assert pain.is_exposed({"custom_factors": {}}) is None
    assert salty.is_exposed({"custom_factors": {"Salty food": False}}) is False


def test_a_planted_effect_on_a_custom_factor_is_found_in_most_seeds():
    found = {"Back pain": 0, "Salty food": 0}
    for seed in range(30):
        for result in analysed(planted_diary(seed, effect=2.5)):
            if (
                result.lag_days == 0
                and result.significant
                and result.factor.key.startswith("custom:")
            ):
                found[result.factor.key.removeprefix("custom:")] += 1
    assert found["Back pain"] >= 24  # 80% of seeds
    assert found["Salty food"] <= 3


def test_custom_factors_share_one_false_discovery_family_with_the_built_in_ones():
    results = analysed(planted_diary(3, effect=2.5))
    judged = [r for r in results if r.comparison.enough_data]
    assert {r.factor.key for r in judged} >= {"water_ml", "custom:Back pain", "custom:Salty food"}
    expected = benjamini_hochberg([r.comparison.p_value for r in judged])
    assert [r.q_value for r in judged] == pytest.approx(expected)


def test_the_insights_document_judges_a_custom_factor_from_the_database(user):
    diary = planted_diary(5, effect=3.0)
    profile = Profile.objects.get(user=user)
    profile.time_zone = "Europe/Berlin"
    profile.save()
    user.date_joined = datetime(2024, 12, 1, tzinfo=UTC)
    user.save()
    factors = {
        record.name: make_factor(user, record.name, record.kind, threshold=record.threshold)
        for record in (BACK_PAIN, SALTY)
    }
    answers = []
    for record in diary.checkins:
        checkin = make_checkin(
            user, record["date"], water_ml=record["water_ml"], stress=record["stress"]
        )
        for name, value in record["custom_factors"].items():
            answers.append(CustomAnswer(checkin=checkin, factor=factors[name], value=int(value)))
    CustomAnswer.objects.bulk_create(answers)
    Episode.objects.bulk_create(
        new_episode(user, started_at=e.started_at, muscle=e.muscle, side=e.side)
        for e in diary.episodes
    )

    document = build_document(
        load_diary(user, ZONE, FIRST_DAY, LAST_DAY, today=LAST_DAY + timedelta(days=1))
    )

    by_key = {(f["key"], f["lag_days"]): f for f in document["factors"]}
    pain = by_key["custom:Back pain", 0]
    expected = {
        (r.factor.key, r.lag_days): r
        for r in analyse_factors(
            build_day_table(
                diary.episodes,
                [
                    {
                        **c,
                        **{
                            k: None
                            for k in c
                            if k not in ("date", "water_ml", "stress", "custom_factors")
                        },
                        "medications_taken": [],
                    }
                    for c in diary.checkins
                ],
                ZONE,
                FIRST_DAY,
                LAST_DAY,
            ),
            trigger_factors([BACK_PAIN, SALTY]),
        )
    }["custom:Back pain", 0]
    assert pain["exposure"] == "Back pain ≥ 6 of 10"
    assert pain["significant"] is True
    assert pain["exposed_days"] == expected.comparison.exposed_days
    assert pain["exposed_episodes"] == expected.comparison.exposed_episodes
    assert pain["q_value"] == pytest.approx(expected.q_value)
    assert "Back pain" in pain["summary"]
