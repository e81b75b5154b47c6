"""The diary's vocabularies: the slugs and labels of every choice a record may hold, the time
zones a person may live in, and what tells two records apart.

Pure, so the analyses and the diary file read them without the ORM. Records store the slugs;
the labels are what pages, reports and the diary file's messages show.
"""

import unicodedata
import zoneinfo

# Django's labelled enumeration: a plain Python enum, which holds no query.
from django.db.models import TextChoices


class Muscle(TextChoices):
    CALF = "calf", "Calf"
    HAMSTRING = "hamstring", "Hamstring"
    QUADRICEPS = "quadriceps", "Quadriceps"
    BEHIND_KNEE = "behind_knee", "Behind the knee / knee"
    SHIN = "shin", "Shin"
    FOOT = "foot", "Foot / arch"
    TOES = "toes", "Toes"
    HIP = "hip", "Hip / glute"
    LOWER_BACK = "lower_back", "Lower back"
    UPPER_BACK = "upper_back", "Upper back"
    NECK = "neck", "Neck"
    SHOULDER = "shoulder", "Shoulder"
    ARM = "arm", "Arm"
    HAND = "hand", "Hand / fingers"
    ABDOMEN = "abdomen", "Abdomen"
    FACE = "face", "Face / eyelid"
    OTHER = "other", "Other"


class Side(TextChoices):
    LEFT = "left", "Left"
    RIGHT = "right", "Right"
    BOTH = "both", "Both"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


class EpisodeKind(TextChoices):
    CRAMP = "cramp", "Cramp (sudden painful contraction)"
    TWITCH = "twitch", "Twitch (fasciculation)"
    TIGHTNESS = "tightness", "Tightness / stiffness"
    JERK = "jerk", "Jerk (myoclonus)"


class Activity(TextChoices):
    ASLEEP = "asleep", "Asleep / in bed"
    RESTING = "resting", "Resting"
    SITTING = "sitting", "Sitting"
    STANDING = "standing", "Standing"
    WALKING = "walking", "Walking"
    EXERCISING = "exercising", "Exercising"
    JUST_AFTER_EXERCISE = "just_after_exercise", "Just after exercise"


class Hydration(TextChoices):
    WELL_HYDRATED = "well_hydrated", "Well hydrated"
    NORMAL = "normal", "Normal"
    DEHYDRATED = "dehydrated", "Thirsty / dehydrated"
    UNKNOWN = "unknown", "Don't know"


class Relief(TextChoices):
    STRETCHING = "stretching", "Stretching"
    MASSAGE = "massage", "Massage"
    HEAT = "heat", "Heat"
    COLD = "cold", "Cold"
    WATER = "water", "Drinking water"
    ELECTROLYTE_DRINK = "electrolyte_drink", "Electrolyte drink"
    GENTLE_MOVEMENT = "gentle_movement", "Gentle movement"
    REST = "rest", "Rest"
    MEDICATION = "medication", "Medication"
    NOTHING = "nothing", "Nothing"


class ReliefEffect(TextChoices):
    NONE = "none", "Not at all"
    A_LITTLE = "a_little", "A little"
    A_LOT = "a_lot", "A lot"
    FULLY = "fully", "Fully"


class Symptom(TextChoices):
    WEAKNESS = "weakness", "Muscle weakness"
    NUMBNESS = "numbness", "Numbness or tingling"
    SWELLING = "swelling", "Swelling"
    REDNESS = "redness", "Redness"
    INJURY = "injury", "Followed an injury"
    SORENESS = "soreness", "Soreness lasting into the next day"


class Electrolyte(TextChoices):
    MAGNESIUM = "magnesium", "Magnesium"
    POTASSIUM = "potassium", "Potassium"
    CALCIUM = "calcium", "Calcium"
    SODIUM = "sodium", "Sodium / sports drink"


class ExerciseIntensity(TextChoices):
    NONE = "none", "None"
    LIGHT = "light", "Light"
    MODERATE = "moderate", "Moderate"
    VIGOROUS = "vigorous", "Vigorous"


class Condition(TextChoices):
    DIABETES = "diabetes", "Diabetes"
    KIDNEY_DISEASE = "kidney_disease", "Kidney disease"
    THYROID_DISORDER = "thyroid_disorder", "Thyroid disorder"
    MULTIPLE_SCLEROSIS = "multiple_sclerosis", "Multiple sclerosis"
    PARKINSONS = "parkinsons", "Parkinson's disease"
    PERIPHERAL_ARTERY_DISEASE = "peripheral_artery_disease", "Peripheral artery disease"
    PERIPHERAL_NEUROPATHY = "peripheral_neuropathy", "Peripheral neuropathy"
    SCIATICA = "sciatica", "Sciatica or spinal stenosis"
    RESTLESS_LEGS = "restless_legs", "Restless legs syndrome"
    PREGNANCY = "pregnancy", "Pregnancy"
    OTHER = "other", "Other"


class CheckInQuestion(TextChoices):
    """The check-in's questions a person may hide; a hidden question stays not recorded."""

    WATER = "water", "Water drunk"
    CAFFEINE = "caffeine", "Caffeinated drinks"
    ALCOHOL = "alcohol", "Alcoholic drinks"
    ELECTROLYTES = "electrolytes", "Electrolytes taken"
    EXERCISE = "exercise", "Exercise (minutes, intensity, warm-up)"
    STRETCHING = "stretching", "Stretching"
    SLEEP = "sleep", "Hours of sleep"
    STRESS = "stress", "Stress"
    SITTING = "sitting", "Hours sitting"
    COLD = "cold", "Cold exposure"
    MEDICATIONS = "medications", "Medications taken"


class MedicationKind(TextChoices):
    DIURETIC = "diuretic", "Diuretic"
    STATIN = "statin", "Statin"
    BRONCHODILATOR = "bronchodilator", "Bronchodilator / beta-agonist"
    BLOOD_PRESSURE = "blood_pressure", "Blood-pressure"
    MUSCLE_RELAXANT = "muscle_relaxant", "Muscle relaxant"
    SUPPLEMENT = "supplement", "Supplement"
    OTHER = "other", "Other"


class Theme(TextChoices):
    DEVICE = "device", "Follow the device"
    LIGHT = "light", "Light"
    DARK = "dark", "Dark"


class CustomFactorKind(TextChoices):
    YES_NO = "yes_no", "Yes or no"
    COUNT = "count", "A count"
    SCALE = "scale", "A scale from 0 to 10"


# tzdata also names "localtime" (whatever zone the server runs in), "Factory" (a placeholder
# shown as "-00") and, on some systems, posix/ and right/ copies of the real zones: none is a
# place someone lives, so none is offered or accepted.
_NOT_PLACES = {"localtime", "Factory", "posixrules"}
TIME_ZONES = frozenset(
    name
    for name in zoneinfo.available_timezones()
    if name not in _NOT_PLACES and not name.startswith(("posix/", "right/"))
)


def medication_name_key(name: str) -> str:
    """What makes two medication names, or two names of one's own factors, the same: "Ämilin"
    and "ämilin", or "MAGNESIUM" and "magnesium" (Unicode case folding of the normalised text,
    the same on every database)."""
    return unicodedata.normalize("NFKC", name).casefold()


# What tells two episodes apart: the database holds it unique, the diary file merges on it.
EPISODE_IDENTITY = ("started_at", "muscle", "side")
