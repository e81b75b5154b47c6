"""One idiom per job in the views and templates: the same thing is always written the same way.

The views are read from the source with ast, so a view written another way fails here the day
it lands.
"""

import ast
import re
from pathlib import Path

import pytest
from django.test import RequestFactory
from django.urls import resolve

from diary.http import posted_data, posted_files
from tests.security_routes import app_routes, fill, make_diary

ROOT = Path(__file__).resolve().parent.parent
VIEWS = ROOT / "diary" / "views"
TEMPLATES = ROOT / "templates"
VIEW_MODULES = sorted(path.name for path in VIEWS.glob("*.py") if path.name != "__init__.py")


def _functions(tree: ast.AST) -> list[ast.FunctionDef]:
    return [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)]


def _calls_to(node: ast.AST, name: str) -> list[ast.Call]:
    return [
        call
        for call in ast.walk(node)
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == name
    ]


def _is_ownership_helper_name(name: str) -> bool:
    return name.startswith("_get_") and name.endswith("_for_user")


def ownership_problems(source: str) -> list[str]:
    """Where an owned object is fetched other than through `_get_<thing>_for_user(request, …)`,
    which returns get_object_or_404 on the model's `for_user(request.user)` rows."""
    tree = ast.parse(source)
    problems = []
    helpers = set()
    for function in _functions(tree):
        if not function.name.startswith("_get_"):
            continue
        helpers.add(function)
        if not _is_ownership_helper_name(function.name):
            problems.append(f"{function.name}: an ownership helper is `_get_<thing>_for_user`")
        parameters = [argument.arg for argument in function.args.args]
        if parameters[:1] != ["request"]:
            problems.append(f"{function.name}: takes the request first")
        returned = function.body[-1]
        if not (
            isinstance(returned, ast.Return)
            and returned.value is not None
            and _calls_to(returned.value, "get_object_or_404") == [returned.value]
            and ast.unparse(returned.value.args[0]).endswith(".objects.for_user(request.user)")
        ):
            problems.append(
                f"{function.name}: returns get_object_or_404(Model.objects.for_user(request.user),"
                " …)"
            )
    inside_helpers = {id(call) for helper in helpers for call in ast.walk(helper)}
    for name in ("get_object_or_404", "get_list_or_404"):
        for call in _calls_to(tree, name):
            if id(call) not in inside_helpers:
                problems.append(f"line {call.lineno}: {name} outside a _get_<thing>_for_user")
    return problems


@pytest.mark.parametrize("module", VIEW_MODULES)
def test_every_owned_object_is_fetched_through_its_ownership_helper(module):
    assert ownership_problems((VIEWS / module).read_text()) == []


def test_the_ownership_helpers_are_found():
    helpers = [
        function.name
        for module in VIEW_MODULES
        for function in _functions(ast.parse((VIEWS / module).read_text()))
        if _is_ownership_helper_name(function.name)
    ]
    assert "_get_episode_for_user" in helpers
    assert len(helpers) >= 5  # episodes, check-ins, factors, medications, share links


GOOD_HELPER = """
def _get_episode_for_user(request, pk):
    return get_object_or_404(Episode.objects.for_user(request.user), pk=pk)
"""


@pytest.mark.parametrize(
    "source",
    [
        # Named otherwise.
        GOOD_HELPER.replace("_get_episode_for_user", "_get_episode"),
        # Not scoped to the person.
        GOOD_HELPER.replace("Episode.objects.for_user(request.user)", "Episode"),
        GOOD_HELPER.replace("request.user", "user"),
        # Taking the user rather than the request.
        GOOD_HELPER.replace("(request, pk)", "(user, pk)"),
        # Fetched inline in a view.
        "def episode_detail(request, pk):\n"
        "    episode = get_object_or_404(Episode.objects.for_user(request.user), pk=pk)\n",
        GOOD_HELPER + "def view(request):\n    get_list_or_404(Episode, user=request.user)\n",
    ],
)
def test_the_ownership_check_notices_a_fetch_written_another_way(source):
    assert ownership_problems(GOOD_HELPER) == []
    assert ownership_problems(source) != []


def _is_request_body(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr in ("POST", "FILES")
        and isinstance(node.value, ast.Name)
        and node.value.id == "request"
    )


def _is_post_only(function: ast.FunctionDef) -> bool:
    return any(ast.unparse(decorator) == "require_POST" for decorator in function.decorator_list)


def binding_problems(source: str) -> list[str]:
    """Where a form is bound other than to `posted_data(request)` / `posted_files(request)`:
    `request.POST` (or FILES) handed to a call, or chosen by `or` or `… if … else …`. Reading a
    field (`request.POST.get("token")`, `"action" in request.POST`) is not binding a form, and a
    `require_POST` view, which has no unbound form to show, binds to `request.POST`."""
    tree = ast.parse(source)
    post_only = {
        id(node)
        for function in _functions(tree)
        if _is_post_only(function)
        for node in ast.walk(function)
    }
    problems = []
    for node in ast.walk(tree):
        if id(node) in post_only:
            continue
        if isinstance(node, ast.Call):
            handed = [*node.args, *(keyword.value for keyword in node.keywords)]
        elif isinstance(node, ast.BoolOp):
            handed = node.values
        elif isinstance(node, ast.IfExp):
            handed = [node.body, node.orelse]
        else:
            continue
        problems.extend(
            f"line {node.lineno}: {ast.unparse(node)}"
            for value in handed
            if _is_request_body(value)
        )
    return problems


def test_a_get_or_head_binds_no_form_and_a_post_binds_even_without_fields():
    factory = RequestFactory()
    for request in (factory.get("/?notes=x"), factory.head("/")):
        assert posted_data(request) is None
        assert posted_files(request) is None
    empty = factory.post("/")
    assert posted_data(empty) is not None and len(posted_data(empty)) == 0
    assert posted_data(factory.post("/", {"notes": "x"}))["notes"] == "x"
    assert posted_files(empty) is not None


@pytest.mark.parametrize("module", VIEW_MODULES)
def test_every_form_is_bound_to_posted_data(module):
    assert binding_problems((VIEWS / module).read_text()) == []


@pytest.mark.parametrize(
    "source",
    [
        "form = Form(request.POST or None)",
        "form = Form(request.POST if request.method == 'POST' else None)",
        "form = Form(request.POST)",
        "form = Form(data=request.POST)",
        "form = Form(request.user, posted_data(request), request.FILES)",
        "@form_page\ndef view(request):\n    form = Form(request.POST)",
    ],
)
def test_the_binding_check_notices_every_other_spelling(source):
    assert binding_problems(source) != []


@pytest.mark.parametrize(
    "source",
    [
        "form = Form(posted_data(request), instance=episode)",
        "form = Form(user, posted_data(request), posted_files(request))",
        "token = request.POST.get('token', '')",
        "if request.method == 'POST' and 'action' in request.POST: pass",
        "@require_POST\ndef share(request):\n    form = ShareForm(request.POST, today=today)",
    ],
)
def test_the_binding_check_lets_reading_a_field_through(source):
    assert binding_problems(source) == []


# What a view's method decorator allows: require_safe, form_page (diary/http.py), require_POST.
METHOD_DECORATORS = {
    "require_safe": "GET, HEAD",
    "form_page": "GET, HEAD, POST",
    "require_POST": "POST",
}
# A decorator of diary/views that puts one of those on each view it wraps (_shared: require_safe).
DECORATORS_WITH_A_METHOD_DECORATOR = frozenset({"_shared"})


def method_decorators(function: ast.FunctionDef) -> list[str]:
    names = [ast.unparse(decorator) for decorator in function.decorator_list]
    return [
        name
        for name in names
        if name in METHOD_DECORATORS or name in DECORATORS_WITH_A_METHOD_DECORATOR
    ]


@pytest.mark.parametrize("module", VIEW_MODULES)
def test_no_view_stacks_two_method_decorators(module):
    for function in _functions(ast.parse((VIEWS / module).read_text())):
        assert len(method_decorators(function)) <= 1, f"{module}: {function.name}"


def test_the_stacking_check_counts_each_method_decorator():
    source = "@_shared\n@never_cache\n@require_safe\n@changes_diary\ndef view(request): pass"
    assert method_decorators(_functions(ast.parse(source))[0]) == ["_shared", "require_safe"]


@pytest.mark.django_db
def test_every_view_of_the_app_refuses_other_methods_itself(user):
    """Called directly, past OnlyFormMethodsMiddleware, a DELETE meets the view's own method
    decorator, which answers 405 with what it allows; a view without one would run."""
    diary = make_diary(user, "idioms")
    factory = RequestFactory()
    allowed = set(METHOD_DECORATORS.values())
    checked = set()
    for route in app_routes():
        for path in fill(route, diary):
            match = resolve(path)
            if not match.func.__module__.startswith("diary.views."):
                continue  # Django's auth views
            request = factory.delete(path)
            try:
                response = match.func(request, *match.args, **match.kwargs)
            except Exception as error:  # the view ran, on a request it should have refused
                pytest.fail(f"{route} ran on a DELETE ({error!r}): give it a method decorator")
            assert response.status_code == 405, f"{route} answered a DELETE"
            assert response["Allow"] in allowed, f"{route} allows {response['Allow']}"
            checked.add(route.name)
    assert {"diary:episode_detail", "diary:episode_over", "diary:share_create"} <= checked
    print(f"method decorators: {len(checked)} views refuse a DELETE themselves")
    assert len(checked) >= 40


# `{% url … as x %}` swallows a NoReverseMatch and leaves x empty: with `{% if x %}` after it a
# link would vanish silently the day its URL name changed. A plain `{% url %}` fails loudly.
URL_AS = re.compile(r"{%\s*url\b(?:[^%]|%(?!}))*?\sas\s+\w+\s*%}")


def quiet_urls(text: str) -> list[str]:
    return URL_AS.findall(text)


def test_no_template_links_through_a_url_that_may_be_missing():
    found = {
        str(path.relative_to(TEMPLATES)): quiet_urls(path.read_text())
        for path in sorted(TEMPLATES.rglob("*"))
        if path.is_file()
    }
    assert {name: urls for name, urls in found.items() if urls} == {}
    assert len(found) > 40


@pytest.mark.parametrize(
    "line",
    [
        "{% url 'diary:report' as report_url %}{% if report_url %}",
        "{% url name as href %}",
        "{% url 'diary:checkin_day' day as missing_url %}",
        "{%url 'diary:home' as home_url%}",
    ],
)
def test_the_url_check_notices_a_url_kept_under_a_name(line):
    assert quiet_urls(line) != []


@pytest.mark.parametrize(
    "line",
    [
        "<a href=\"{% url 'diary:report' %}\">report for your doctor</a>",
        "{% url 'diary:checkin_day' day %}",
        "{% url 'diary:home' %} as in the header",
    ],
)
def test_the_url_check_lets_a_plain_url_through(line):
    assert quiet_urls(line) == []
