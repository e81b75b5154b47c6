"""An own factor's name is unique by Unicode case folding in the database, as the form and the
diary file compare names (the same rule as medications' name_key)."""

import json
from datetime import date

import pytest
from django.db import IntegrityError, connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from diary.files.portability import merge_diary, read_upload
from diary.limits import CUSTOM_FACTOR_NAME_LENGTH, MEDICATION_NAME_LENGTH
from diary.models import CustomFactor, Medication
from tests.factories import make_factor, make_medication
from tests.portability_helpers import exported, json_copy

BEFORE = [("diary", "0011_seen_red_flags")]
AFTER = [("diary", "0012_custom_factor_name_key")]


def test_the_database_refuses_two_names_that_differ_only_in_case(user):
    make_factor(user, name="Ärger", kind="yes_no")

    with pytest.raises(IntegrityError):
        make_factor(user, name="ÄRGER", kind="yes_no")


def test_another_person_may_use_the_same_name(user, other_user):
    make_factor(user, name="Ärger", kind="yes_no")
    make_factor(other_user, name="ärger", kind="yes_no")

    assert CustomFactor.objects.count() == 2


@pytest.mark.parametrize("second", ["ÄRGER", "ärger", "Ärger"])
def test_the_form_refuses_a_name_the_database_would(auth_client, user, second):
    make_factor(user, name="Ärger", kind="yes_no")

    response = auth_client.post(
        reverse("diary:customfactor_new"), {"name": second, "kind": "yes_no"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["name"] == [
        f"You already have a factor called “{second}”."
    ]
    assert CustomFactor.objects.for_user(user).count() == 1


def test_full_width_letters_are_the_same_name_as_in_medications(auth_client, user):
    make_factor(user, name="coffee", kind="yes_no")

    response = auth_client.post(
        reverse("diary:customfactor_new"), {"name": "Ｃｏｆｆｅｅ", "kind": "yes_no"}
    )

    assert "name" in response.context["form"].errors


def test_the_import_merges_a_factor_written_in_another_case(user):
    factor = make_factor(user, name="ärger", kind="scale", threshold=5)
    document = json_copy(exported(user))
    document["profile"]["custom_factors"] = [{"name": "ÄRGER", "kind": "scale", "threshold": 7}]
    document["checkins"] = [{"date": "2025-06-01", "custom_factors": {"Ärger": 8}}]

    summary = merge_diary(user, read_upload(user, json.dumps(document).encode()))

    assert summary.checkins.added == 1
    factor.refresh_from_db()
    assert (factor.name, factor.threshold, factor.name_key) == ("ÄRGER", 7, "ärger")
    assert CustomFactor.objects.for_user(user).count() == 1
    assert list(factor.answers.values_list("value", flat=True)) == [8]


@pytest.mark.django_db(transaction=True)
def test_the_migration_renames_names_that_already_clash_and_keeps_their_answers():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    person = old.get_model("auth", "User").objects.create(username="clash")
    other = old.get_model("auth", "User").objects.create(username="other")
    Factor = old.get_model("diary", "CustomFactor")
    first = Factor.objects.create(user=person, name="Ärger", kind="yes_no")
    second = Factor.objects.create(user=person, name="ärger", kind="yes_no")
    third = Factor.objects.create(user=person, name="ÄRGER", kind="yes_no")
    theirs = Factor.objects.create(user=other, name="ärger", kind="yes_no")
    checkin = old.get_model("diary", "CheckIn").objects.create(
        user=person, date=date(2025, 6, 1), water_ml=1500
    )
    old.get_model("diary", "CustomAnswer").objects.create(checkin=checkin, factor=second, value=1)
    try:
        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        new = executor.loader.project_state(AFTER).apps.get_model("diary", "CustomFactor")
        names = dict(new.objects.values_list("pk", "name"))
        keys = dict(new.objects.values_list("pk", "name_key"))
        answered = list(new.objects.filter(answers__isnull=False).values_list("pk", flat=True))
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

    assert names == {
        first.pk: "Ärger",
        second.pk: "ärger (2)",
        third.pk: "ÄRGER (3)",
        theirs.pk: "ärger",
    }
    assert keys[second.pk] == "ärger (2)" and keys[theirs.pk] == "ärger"
    assert answered == [second.pk]


def test_a_name_whose_case_folding_spells_it_out_longer_saves_on_every_database(user):
    # U+FDFA folds to 18 characters: the longest names fold to far more than their length.
    longest_factor = "\ufdfa" * CUSTOM_FACTOR_NAME_LENGTH
    longest_medication = "\ufdfa" * MEDICATION_NAME_LENGTH
    make_factor(user, name=longest_factor, kind="yes_no")
    make_medication(user, name=longest_medication, kind="statin", started_on=date(2025, 1, 1))
    assert len(CustomFactor.objects.get(user=user).name_key) == 18 * CUSTOM_FACTOR_NAME_LENGTH
    assert Medication.objects.get(user=user).name == longest_medication
