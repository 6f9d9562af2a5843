"""The layering of the apps (docs/architecture.md, "Layers"): records ← curriculum ←
schedule ← courses ← journal ← movement. An app's models, and every module they import,
import only apps below them (the portal's core counts as the lowest layer); elsewhere in an app, an
import of a higher app is allowed only where it is listed below, with its reason.

The tests read the source (ast), so they need no database and see lazy imports inside
functions as well as those at the top of a module."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Lowest first. ``portal`` here is its core (access, uploads, ...), which the models of
# every app import; the portal's pages, demo city and URLs stand above everything and
# are not layered.
# ``subject_requests`` (R-PD-4) stands on the journal: a pupil's copy of their data
# holds their marks and attendance. ``documents`` stands on top: its generated documents
# (R-DOC-1) read the pupils' cards, the classes and the journal's finals (the
# transcript), and no app below reads it. ``messaging`` (R-MAIL-1) stands on top: its
# address book reads the people, the load and the timetable, and no app reads the mail.
LAYERS = ["portal", "records", "curriculum", "schedule", "courses", "journal", "movement",
          "attestation", "subject_requests", "documents", "reports",
          "stateforms", "messaging"]
LEVEL = {app: level for level, app in enumerate(LAYERS)}
DOMAIN_APPS = LAYERS[1:]

# Imports of a higher app from a lower app's code outside its models: (module, imported
# module) → why. A new upward import fails the test until it is listed here with a
# reason (and in docs/architecture.md); an entry no code needs any more fails too.
ALLOWED_UPWARD = {
    # A pupil's record points at their class (Pupil.school_class, a string reference in
    # the models, so records' models stay below the curriculum); the pages and tools of
    # pupils that work by class read the classes.
    ("records.filters", "curriculum.models"):
        "the pupil listings filter by the classes the user sees",
    ("records.imports", "curriculum.models"):
        "a pupil list is imported into the school's current classes",
    ("records.rules", "curriculum.models"):
        "logins are issued for a whole class (records.issue_credentials on SchoolClass)",
    ("records.views", "curriculum.models"):
        "a pupil's card shows the class's teachers and the pupil's class history",
    ("records.views", "journal.diary"):
        "the family's start page and a pupil's own page show the child's day from the diary",
    ("records.views_admin", "curriculum.models"):
        "the credentials sheet is chosen by class",
    # The movement book (R-MOV-1, R-MOV-2) is the only writer of a pupil's class and
    # dates: the tools of the lower apps that enrol or move a pupil go through it.
    ("records.imports", "movement.actions"):
        "an imported pupil is enrolled by the import's order, into the book",
    ("records.imports", "movement.models"):
        "the import's enrolment order is of the enrolment kind",
    ("records.factories", "movement.models"):
        "a test's pupil in a class is enrolled in the book, as every pupil is",
    ("records.views", "movement.models"):
        "a pupil's card shows the pupil's movement history from the book (R-PPL-2)",
    ("journal.views", "movement.actions"):
        "the class page's transfer is a movement with its order",
    ("journal.views", "movement.forms"):
        "the class page's transfer form asks for the order",
    ("journal.views", "movement.models"):
        "the class page's transfer writes an order of the movement kind",
    ("journal.views", "movement.rules"):
        "who may transfer is who may write the school's orders",
}


def module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def source_files(app):
    for path in sorted((ROOT / app).rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def imports_of(path):
    """The project modules ``path`` imports, anywhere in it (lazy imports included)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module
            found.add(target)
            # "from app import module" imports app.module.
            found |= {f"{target}.{alias.name}" for alias in node.names}
    return {m for m in found if m.split(".")[0] in LEVEL and path_of(m)}


def path_of(module):
    base = ROOT.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.exists():
            return candidate
    return None


def app_of(module):
    return module.split(".")[0]


@pytest.mark.parametrize("app", DOMAIN_APPS)
def test_models_import_only_lower_apps(app):
    """Everything reachable from ``<app>/models.py`` through imports stays at or below
    ``app``'s layer."""
    start = f"{app}.models"
    seen, todo, upward = set(), [start], []
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        for imported in imports_of(path_of(module)):
            if LEVEL[app_of(imported)] > LEVEL[app]:
                upward.append(f"{module} imports {imported}")
            else:
                todo.append(imported)
    assert not upward, upward


def test_upward_imports_outside_models_are_the_listed_ones():
    found = set()
    for app in DOMAIN_APPS:
        for path in source_files(app):
            module = module_name(path)
            for imported in imports_of(path):
                if LEVEL[app_of(imported)] > LEVEL[app]:
                    found.add((module, imported))
    new = sorted(found - set(ALLOWED_UPWARD))
    stale = sorted(set(ALLOWED_UPWARD) - found)
    assert not new, f"upward imports without a reason in ALLOWED_UPWARD: {new}"
    assert not stale, f"listed upward imports no code makes any more: {stale}"
    assert all(reason.strip() for reason in ALLOWED_UPWARD.values())


def test_the_scan_sees_imports():
    """The scan itself works: the journal's models import the curriculum's."""
    assert "curriculum.models" in imports_of(ROOT / "journal" / "models.py")
    assert "schedule.models" in imports_of(ROOT / "journal" / "rules.py")
