"""The access matrix of the link catalog (R-RES-1).

Everyone reads the public links, signed-in users all of them. A school's editor and its
administrator keep the school's own links; the department's editor (an editor role held
department-wide) and the department administrator keep the city-wide ones and the
categories.
"""

from portal.access import CITY, INSTITUTION, Role, grant
from portal.composite import LevelPermission, grant_any, grant_levels, grant_public

from .models import Audience, Link, LinkCategory

SCHOOL_KEEPERS = {Role.EDITOR: INSTITUTION, Role.ADMIN: INSTITUTION}
CITY_KEEPERS = {Role.EDITOR: CITY, Role.DEPT_ADMIN: CITY}

grant_levels("links.view_link", Link, "audience", {
    Audience.PUBLIC: LevelPermission.EVERYONE,
    Audience.SIGNED_IN: LevelPermission.SIGNED_IN,
})
for action in ("add", "change", "delete"):
    grant_any(f"links.{action}_link", Link, [
        grant(f"links.{action}_school_link", Link, SCHOOL_KEEPERS),
        grant(f"links.{action}_city_link", Link, CITY_KEEPERS),
    ])

grant_public("links.view_linkcategory", LinkCategory)
grant("links.add_linkcategory", LinkCategory, CITY_KEEPERS)
grant("links.change_linkcategory", LinkCategory, CITY_KEEPERS)
grant("links.delete_linkcategory", LinkCategory, CITY_KEEPERS)
