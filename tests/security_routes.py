"""Every URL the project serves, found from the resolver, and a way to fill each one in.

The security tests walk these routes instead of a hand-written list, so a view added later is
checked the moment its `path(...)` line lands. A route whose arguments this module can't fill
raises `UnfillableRoute`: the tests then fail and name it, rather than skip it quietly.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from html.parser import HTMLParser
from urllib.parse import urlsplit

from django.contrib.auth.models import User
from django.core import serializers
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import get_converters
from django.utils import timezone

from diary.models import (
    CheckIn,
    CustomAnswer,
    CustomFactor,
    Episode,
    Medication,
    Profile,
    ShareLink,
)
from diary.pdf.report import APPENDIX_SECTIONS
from diary.sharing import new_token, token_hash
from tests.factories import make_checkin, make_episode, make_factor, make_medication

# A report shared with a clinician: opened by its token, without an account.
SHARED_ROUTE_NAMES = frozenset(
    {"diary:shared_report", "diary:shared_report_pdf", "diary:shared_report_chart"}
)
# Reachable without logging in, by design: Django's auth pages and sign-up, what makes the
# app installable (a browser fetches the manifest without cookies; no health data in any),
# and shared reports.
PUBLIC_ROUTE_NAMES = (
    frozenset(
        {
            "manifest",
            "service_worker",
            "offline",
            "login",
            "signup",
            "password_reset",
            "password_reset_done",
            "password_reset_confirm",
            "password_reset_complete",
            # A reminder's unsubscribe link: its signed token is the credential.
            "diary:unsubscribe",
        }
    )
    | SHARED_ROUTE_NAMES
)
# Accepting a POST without a CSRF token, by design: a mail client's one-click unsubscribe
# (RFC 8058) carries none. The signed token in the path is the credential; a forged one is 404.
CSRF_EXEMPT_ROUTE_NAMES = frozenset({"diary:unsubscribe"})
# The admin has its own login (staff only); test_security checks it separately.
ADMIN_NAMESPACE = "admin"


# A local date in a path: "anydate" also reaches a row stored before 1900, to delete it.
DATE_CONVERTERS = frozenset({"isodate", "anydate"})


class UnfillableRoute(Exception):
    pass


@dataclass(frozen=True)
class Route:
    name: str  # "diary:episode_detail"
    route: str  # "/episodes/<int:pk>/"
    arguments: tuple[tuple[str, str], ...]  # (keyword, converter name), in order

    @property
    def namespace(self) -> str:
        return self.name.rpartition(":")[0]

    @property
    def is_public(self) -> bool:
        return self.name in PUBLIC_ROUTE_NAMES

    @property
    def has_object_id(self) -> bool:
        return any(is_object_id(keyword, converter) for keyword, converter in self.arguments)

    @property
    def has_date(self) -> bool:
        return any(converter in DATE_CONVERTERS for _, converter in self.arguments)

    @property
    def is_admin(self) -> bool:
        return self.namespace.split(":")[0] == ADMIN_NAMESPACE

    def __str__(self) -> str:
        return f"{self.name} ({self.route})"


def is_object_id(keyword: str, converter: str) -> bool:
    return converter == "int" and (keyword == "pk" or keyword.endswith(("_pk", "_id")))


def _converter_names() -> dict[type, str]:
    return {type(converter): name for name, converter in get_converters().items()}


def _arguments(pattern, names: dict[type, str]) -> list[tuple[str, str]]:
    converters = getattr(pattern.pattern, "converters", {})
    keywords = list(pattern.pattern.regex.groupindex)
    # A regex group without a converter (re_path) has nothing we can generate values for.
    return [(keyword, names.get(type(converters.get(keyword)), "regex")) for keyword in keywords]


def discover_routes() -> list[Route]:
    """Every named and unnamed URL pattern, recursively, with its namespace and arguments."""
    patterns = get_resolver().url_patterns  # first: importing the URLconfs registers converters
    names = _converter_names()
    found: list[Route] = []

    def walk(patterns, prefix: str, namespace: str, inherited: list[tuple[str, str]]) -> None:
        for pattern in patterns:
            arguments = inherited + _arguments(pattern, names)
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                walk(pattern.url_patterns, route, inner, arguments)
            elif isinstance(pattern, URLPattern):
                name = pattern.name or f"<unnamed {route}>"
                full_name = f"{namespace}:{name}" if namespace else name
                found.append(Route(full_name, route, tuple(arguments)))

    walk(patterns, "/", "", [])
    return found


def app_routes() -> list[Route]:
    """The routes the access-control rules apply to: everything but the admin."""
    return [route for route in discover_routes() if not route.is_admin]


# An object id in a route names its model by the route's name: episode_edit -> Episode.
OWNED_MODELS = {
    "episode": Episode,
    "medication": Medication,
    "checkin": CheckIn,
    "customfactor": CustomFactor,
    "share": ShareLink,
}

# Values for the password-reset link's arguments: any string reaches the "invalid link" page.
PUBLIC_ARGUMENTS = {"uidb64": "MQ", "token": "set-password"}


def _chart_names() -> list[str]:
    from diary.analysis.charts import CHARTS

    return sorted(CHARTS)


def _report_chart_names() -> list[str]:
    from diary.pdf.report import APPENDIX_CHARTS

    return list(APPENDIX_CHARTS)


# Arguments from a fixed vocabulary rather than an owned object: every value is checked.
VOCABULARIES = {
    ("diary:insights_chart", "name"): _chart_names,
    ("diary:report_chart", "name"): _report_chart_names,
    ("diary:shared_report_chart", "name"): _report_chart_names,
}


def fill(route: Route, diary: "Diary") -> list[str]:
    """The route's paths with its arguments taken from `diary` (one person's objects)."""
    paths = [route.route]
    for keyword, converter in route.arguments:
        values = _arguments_for(route, keyword, converter, diary)
        paths = [
            _replace_first_argument(path, keyword, value) for path in paths for value in values
        ]
    return paths


def _arguments_for(route: Route, keyword: str, converter: str, diary: "Diary") -> list[str]:
    if converter in DATE_CONVERTERS:
        return [diary.day.isoformat()]
    if keyword == "share_token":
        return [diary.share_token]
    if is_object_id(keyword, converter):
        short_name = route.name.rpartition(":")[2]
        for prefix, model in OWNED_MODELS.items():
            if short_name.startswith(prefix):
                return [str(diary.objects[model])]
    if (route.name, keyword) in VOCABULARIES:
        return VOCABULARIES[route.name, keyword]()
    if route.is_public and keyword in PUBLIC_ARGUMENTS:
        return [PUBLIC_ARGUMENTS[keyword]]
    raise UnfillableRoute(
        f"{route}: no rule to fill <{converter}:{keyword}>. Teach tests/security_routes.py "
        "how to make an owned object for it, so access control covers the new view."
    )


def _replace_first_argument(path: str, keyword: str, value: str) -> str:
    start = path.index("<")
    end = path.index(">", start)
    assert path[start + 1 : end].split(":")[-1] == keyword, (path, keyword)
    return path[:start] + value + path[end + 1 :]


@dataclass
class Diary:
    """One person's diary, every object carrying `marker` in a free-text field."""

    user: User
    marker: str
    day: date
    objects: dict[type, int]
    share_token: str = ""  # opens a link to the diary's report


def make_diary(user: User, marker: str, days_ago: tuple[int, ...] = (2,)) -> Diary:
    """An episode, a medication, the profile's other condition and check-ins, all marked.

    The first of `days_ago` is the day the routes are filled with.
    """
    profile = Profile.get_or_create_for(user)
    profile.conditions = ["other"]
    profile.other_condition = f"{marker} condition"
    profile.save()
    medication = make_medication(
        user,
        name=f"{marker} tablets",
        kind="other",
        dose=f"{marker} dose",
        started_on=timezone.localdate() - timedelta(days=30),
    )
    episode = make_episode(
        user,
        started_at=timezone.now() - timedelta(hours=1),
        intensity=6,
        notes=f"{marker} episode note",
    )
    today = timezone.now().date()
    checkins = []
    for days in days_ago:
        checkin = make_checkin(user, today - timedelta(days=days), notes=f"{marker} check-in note")
        checkin.medications_taken.add(medication)
        checkins.append(checkin)
    factor = make_factor(user, name=f"{marker} factor", kind="yes_no")
    CustomAnswer.objects.create(checkin=checkins[0], factor=factor, value=1)
    share_token = new_token()
    link = ShareLink.objects.create(
        user=user,
        token_hash=token_hash(share_token),
        first_day=today - timedelta(days=30),
        last_day=today,
        paper="a4",
        sections=list(APPENDIX_SECTIONS),
        expires_at=timezone.now() + timedelta(days=7),
    )
    return Diary(
        user=user,
        marker=marker,
        day=checkins[0].date,
        objects={
            Episode: episode.pk,
            Medication: medication.pk,
            CheckIn: checkins[0].pk,
            CustomFactor: factor.pk,
            ShareLink: link.pk,
        },
        share_token=share_token,
    )


def owned_rows(user: User) -> str:
    """Everything a person owns, serialised, to prove a request left it untouched."""
    querysets = [
        User.objects.filter(pk=user.pk),
        Profile.objects.filter(user=user),
        Medication.objects.for_user(user),
        Episode.objects.for_user(user),
        CheckIn.objects.for_user(user),
        CustomFactor.objects.for_user(user),
        CustomAnswer.objects.filter(checkin__user=user),
        ShareLink.objects.for_user(user),
    ]
    return "".join(serializers.serialize("json", queryset.order_by("pk")) for queryset in querysets)


def body(response) -> str:
    """The decoded body of any response, streamed (a download) or not."""
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    return content.decode("utf-8", errors="replace")


@dataclass
class Field:
    """A field a person fills in, as a browser finds it in a form."""

    name: str
    kind: str  # text, textarea, select, radio, checkbox, file, number, date, …
    options: list[str] = field(default_factory=list)
    multiple: bool = False
    # What the browser would send untouched: the page's own (valid) values.
    initial: list[str] = field(default_factory=list)

    def unchanged(self) -> str | list[str] | None:
        if self.multiple:
            return self.initial
        return self.initial[0] if self.initial else None


# Inputs a person doesn't fill in: the form's own token and ids, its buttons.
UNFILLED_INPUT_TYPES = frozenset({"submit", "button", "hidden"})


@dataclass
class Form:
    method: str  # "get" or "post"
    action: str | None
    # Every input, select and textarea as written: its tag and attributes, named or not.
    controls: list[dict[str, str | None]] = field(default_factory=list)
    fields: dict[str, Field] = field(default_factory=dict)  # by name

    def posts_to(self, path: str) -> bool:
        return self.method == "post" and self.action in (None, "", path)


class PageForms(HTMLParser):
    """The forms on a page, read the way a browser reads them, and the query strings of links."""

    def __init__(self):
        super().__init__()
        self.forms: list[Form] = []
        self.link_queries: list[str] = []
        self.form: Form | None = None
        self.select: Field | None = None
        self.textarea: Field | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a" and urlsplit(attributes.get("href") or "").query:
            self.link_queries.append(urlsplit(attributes["href"]).query)
        elif tag == "form":
            method = (attributes.get("method") or "get").lower()
            self.form = Form(method, attributes.get("action"))
            self.forms.append(self.form)
        elif self.form is not None:
            if tag in ("input", "select", "textarea"):
                self.form.controls.append({"tag": tag, **attributes})
            self._field(tag, attributes)

    def _field(self, tag: str, attributes: dict[str, str | None]) -> None:
        assert self.form is not None
        name = attributes.get("name")
        if tag == "input" and name:
            kind = attributes.get("type") or "text"
            if kind in UNFILLED_INPUT_TYPES:
                return
            entry = self.form.fields.setdefault(name, Field(name, kind))
            value = attributes.get("value", "on" if kind in ("radio", "checkbox") else "") or ""
            if kind in ("radio", "checkbox"):
                entry.options.append(value)
                entry.multiple = kind == "checkbox" and len(entry.options) > 1
                if "checked" in attributes:
                    entry.initial.append(value)
            elif kind != "file":
                entry.initial = [value]
        elif tag == "textarea" and name:
            self.textarea = self.form.fields[name] = Field(name, "textarea", initial=[""])
        elif tag == "select" and name:
            self.select = Field(name, "select", multiple="multiple" in attributes)
            self.form.fields[name] = self.select
        elif tag == "option" and self.select is not None:
            value = attributes.get("value") or ""
            self.select.options.append(value)
            if "selected" in attributes:
                self.select.initial.append(value)

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea.initial = [self.textarea.initial[0] + data]

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "select" and self.select is not None:
            # With nothing selected a browser sends a single select's first option.
            if not self.select.initial and not self.select.multiple and self.select.options:
                self.select.initial = self.select.options[:1]
            self.select = None
        elif tag == "textarea":
            self.textarea = None


def page_forms(html: str) -> PageForms:
    page = PageForms()
    page.feed(html)
    page.close()
    return page


def own_form_fields(path: str, html: str) -> dict[str, Field]:
    """The fields of the one form on the page at `path` that posts to the page itself."""
    (form,) = [form for form in page_forms(html).forms if form.posts_to(path)]
    return form.fields
