"""Permission names are strings; a typo would silently deny (or, worse, never be
checked). Every name the code asks for must be registered with rules."""

import re
from pathlib import Path

import rules

from portal.access import REGISTRY

ROOT = Path(__file__).resolve().parents[2]
PATTERN = re.compile(
    r"""(?:has_perm|visible_to\([^,]+,|permission)\(?\s*f?["']([a-z_]+\.[a-z_{}]+)["']"""
)


def names_used():
    found = set()
    for folder in ("portal", "records", "curriculum", "journal", "sgo_pages", "templates"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix in (".py", ".html") and "migrations" not in path.parts:
                found |= {(m, path.name) for m in PATTERN.findall(path.read_text())}
    return found


def test_every_permission_name_used_is_registered():
    used = names_used()
    assert used, "the scan found no permission names at all"
    missing = [f"{name} in {where}" for name, where in used
               if "{" not in name and not rules.perm_exists(name)]
    assert not missing


def test_every_matrix_permission_is_a_rules_permission():
    for name in REGISTRY:
        assert rules.perm_exists(name), name
