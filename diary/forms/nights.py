from collections.abc import Sequence
from typing import cast

from django import forms

from diary.analysis.nights import MAX_NIGHT_EPISODES, NIGHT_COUNT_BUTTONS, NightAnswer
from diary.forms.episodes import check_room_for_episodes, muscles_recent_first
from diary.limits import MAX_RATING
from diary.signedin import User
from diary.vocabularies import Muscle, Side

ROUGH_MINUTES = (1, 2, 5, 10, 20, 30, 60)


def _buttons(label: str, choices, required: bool = False) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=choices,
        coerce=int,
        empty_value=None,
        required=required,
        widget=forms.RadioSelect,
    )


def _scale() -> list[tuple[int, str]]:
    return [(level, str(level)) for level in range(MAX_RATING + 1)]


class LastNightForm(forms.Form):
    """The morning screen: how many night cramps, how bad, how long, how much sleep was lost."""

    episodes = _buttons(
        "How many cramps last night?",
        [(n, f"{n}+" if n == NIGHT_COUNT_BUTTONS[-1] else str(n)) for n in NIGHT_COUNT_BUTTONS],
        required=True,
    )
    more = forms.IntegerField(
        label=f"More than {NIGHT_COUNT_BUTTONS[-1]}? How many",
        required=False,
        min_value=NIGHT_COUNT_BUTTONS[-1],
        max_value=MAX_NIGHT_EPISODES,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "form-control"}),
    )
    worst_intensity = _buttons("How bad was the worst? (0–10)", _scale())
    total_minutes = _buttons(
        "Roughly how many minutes in all?",
        [*((m, f"{m} min") for m in ROUGH_MINUTES), ("", "Don't know")],
    )
    sleep_disturbance = _buttons(
        "How much did they disturb your sleep? (0 not at all, 10 no sleep)", _scale()
    )
    muscle = forms.ChoiceField(label="Where?", widget=forms.RadioSelect, required=False)
    side = forms.ChoiceField(
        label="Which side?", choices=Side.choices, widget=forms.RadioSelect, required=False
    )

    def __init__(
        self,
        *args,
        recent_muscles: Sequence[str] = (),
        recent_side: str = "",
        user: User | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.user = user  # whose diary the night's episodes go into, for the room left in it
        muscle = cast(forms.ChoiceField, self.fields["muscle"])
        muscle.choices = muscles_recent_first(recent_muscles)
        self.initial.setdefault("muscle", recent_muscles[0] if recent_muscles else Muscle.CALF)
        self.initial.setdefault("side", recent_side or Side.LEFT)

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        count = cleaned.get("episodes")
        if not count:  # none, or already refused
            return cleaned
        if count == NIGHT_COUNT_BUTTONS[-1] and cleaned.get("more"):
            cleaned["episodes"] = cleaned["more"]
        for name, message in (
            ("worst_intensity", "How bad was the worst one?"),
            ("sleep_disturbance", "How much did they disturb your sleep?"),
            ("muscle", "Which muscle?"),
            ("side", "Which side?"),
        ):
            if cleaned.get(name) in (None, "") and name not in self.errors:
                self.add_error(name, message)
        if self.user is not None:
            check_room_for_episodes(self.user, adding=cleaned["episodes"])
        return cleaned

    def answer(self) -> NightAnswer:
        data = self.cleaned_data
        if not data["episodes"]:
            return NightAnswer(0, None, None, 0, "", "")
        return NightAnswer(
            episodes=data["episodes"],
            worst_intensity=data["worst_intensity"],
            total_minutes=data["total_minutes"],
            sleep_disturbance=data["sleep_disturbance"],
            muscle=data["muscle"],
            side=data["side"],
        )
