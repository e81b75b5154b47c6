"""Every limit of what a record may hold, read by the models, the forms and the diary file."""

from diary.vocabularies import CustomFactorKind

MAX_NOTE_LENGTH = 10_000
MAX_DURATION_SECONDS = 24 * 60 * 60
# A person's own check-in factors: how many, and the largest count one can answer.
MAX_CUSTOM_FACTORS = 20
MAX_CUSTOM_COUNT = 50
CUSTOM_FACTOR_NAME_LENGTH = 60
# How many records one diary holds at most, so its diary file always imports back: the forms
# refuse past them as the import does. A heavy five-year diary has about 4,000 episodes and 20
# medications. Check-ins need no cap: one a day from EARLIEST_DAY on is about 46,000 (2026).
MAX_EPISODES = 50_000
MAX_MEDICATIONS = 200
MAX_WATER_ML = 20_000
MAX_DRINKS = 50
MAX_EXERCISE_MINUTES = 24 * 60
MAX_HOURS_IN_A_DAY = 24
# Intensity, stress, sleep disturbance and a person's own scale factors are all rated 0 to 10.
MAX_RATING = 10
MEDICATION_NAME_LENGTH = 100
MEDICATION_DOSE_LENGTH = 100
OTHER_CONDITION_LENGTH = 200
REPORT_NAME_LENGTH = 200

# The largest answer a factor of each kind takes (yes is 1); a threshold lies in 1..this.
LARGEST_ANSWER = {
    CustomFactorKind.YES_NO: 1,
    CustomFactorKind.COUNT: MAX_CUSTOM_COUNT,
    CustomFactorKind.SCALE: MAX_RATING,
}
