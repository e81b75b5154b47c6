"""_field.html and _choice_buttons.html: a form field written as Bootstrap and the browser
want it (label, id, the error beside the field and what describes it), without crispy-forms."""

from datetime import date

from django import forms
from django.template.loader import render_to_string

from diary.templatetags.diary_tags import input_attrs, options


class ExampleForm(forms.Form):
    hours = forms.DecimalField(
        label="Hours slept",
        required=False,
        min_value=0,
        max_value=24,
        help_text="Half hours are fine.",
        widget=forms.NumberInput(attrs={"step": "0.5", "data-stepper": "0.5"}),
    )
    name = forms.CharField(label="Name", max_length=20)
    day = forms.DateField(
        label="Day",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    muscle = forms.ChoiceField(
        label="Muscle", required=False, choices=[("", "All muscles"), ("calf", "Calf")]
    )
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    side = forms.ChoiceField(
        label="Side", choices=[("left", "Left"), ("right", "Right")], widget=forms.RadioSelect
    )
    taken = forms.MultipleChoiceField(
        label="Taken",
        required=False,
        choices=[("a", "A"), ("b", "B"), ("c", "C")],
        help_text="Tick all you took.",
        widget=forms.CheckboxSelectMultiple,
    )


def field_html(form: forms.Form, name: str) -> str:
    return render_to_string("_field.html", {"field": form[name]})


def buttons_html(form: forms.Form, name: str) -> str:
    return render_to_string("_choice_buttons.html", {"field": form[name], "grid_class": "grid"})


def test_a_typed_field_is_labelled_and_keeps_its_widgets_limits():
    html = field_html(ExampleForm(), "hours")
    assert '<label for="id_hours" class="form-label">Hours slept</label>' in html
    assert (
        '<input type="number" name="hours" id="id_hours" class="form-control" step="0.5" '
        'data-stepper="0.5" min="0" max="24" aria-describedby="id_hours_helptext">'
    ) in html
    assert '<div id="id_hours_helptext" class="form-text">Half hours are fine.</div>' in html
    assert "invalid" not in html


def test_an_error_is_beside_the_field_and_describes_it():
    form = ExampleForm({"hours": "30", "name": "x", "side": "left"})
    assert not form.is_valid()
    html = field_html(form, "hours")
    assert 'value="30" class="form-control is-invalid"' in html
    assert 'aria-invalid="true" aria-describedby="id_hours_helptext id_hours_error"' in html
    # Shown even when a script has moved the input into a group (the check-in's steppers).
    assert (
        '<div id="id_hours_error" class="invalid-feedback d-block">'
        '<p class="mb-0">Ensure this value is less than or equal to 24.</p></div>'
    ) in html


def test_a_required_field_says_so_and_its_length_limit_is_kept():
    html = field_html(ExampleForm(), "name")
    assert (
        'type="text" name="name" id="id_name" class="form-control" maxlength="20" required>' in html
    )


def test_a_date_is_written_as_the_date_input_reads_it():
    html = field_html(ExampleForm(initial={"day": date(2026, 3, 4)}), "day")
    assert (
        '<input type="date" name="day" id="id_day" value="2026-03-04" class="form-control"' in html
    )


def test_a_blank_field_has_no_value_attribute():
    assert "value=" not in field_html(ExampleForm(), "day")


def test_a_select_marks_the_chosen_option():
    html = field_html(ExampleForm({"muscle": "calf"}), "muscle")
    assert '<select name="muscle" id="id_muscle" class="form-select">' in html
    assert '<option value="calf" selected>Calf</option>' in html
    assert '<option value="">All muscles</option>' in html


def test_a_textarea_keeps_its_text_and_rows():
    html = field_html(ExampleForm({"notes": "Calm <day>"}), "notes")
    assert '<textarea name="notes" id="id_notes" class="form-control" cols="40" rows="3">' in html
    assert "Calm &lt;day&gt;</textarea>" in html


def test_the_widgets_attributes_are_escaped():
    form = ExampleForm()
    form.fields["hours"].widget.attrs["data-stepper"] = '"><script>'
    assert 'data-stepper="&quot;&gt;&lt;script&gt;"' in input_attrs(form["hours"])


def test_choice_buttons_tick_the_chosen_and_carry_their_ids():
    html = buttons_html(ExampleForm({"taken": ["a", "c"]}), "taken")
    assert (
        'type="checkbox" class="btn-check" name="taken" id="id_taken_0" value="a" checked>' in html
    )
    assert 'type="checkbox" class="btn-check" name="taken" id="id_taken_1" value="b">' in html
    assert (
        'type="checkbox" class="btn-check" name="taken" id="id_taken_2" value="c" checked>' in html
    )
    assert '<label class="btn btn-outline-primary" for="id_taken_2">C</label>' in html
    assert '<fieldset class="mb-3" aria-describedby="id_taken_helptext">' in html


def test_a_choice_error_is_beside_the_buttons_and_describes_them():
    form = ExampleForm({"name": "x", "side": "middle"})
    assert not form.is_valid()
    html = buttons_html(form, "side")
    assert '<fieldset class="mb-3" aria-describedby="id_side_error">' in html
    assert '<div class="invalid-feedback d-block" id="id_side_error">' in html
    assert f'<p class="mb-0">{form.errors["side"][0]}</p>' in html


def test_options_read_the_initial_value_of_an_unbound_form():
    form = ExampleForm(initial={"side": "right"})
    assert options(form["side"]) == [("left", "Left", False), ("right", "Right", True)]
    assert options(form["muscle"]) == [("", "All muscles", True), ("calf", "Calf", False)]
