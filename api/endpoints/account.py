"""The token's own account and the pupils it reads as family."""

from django.utils.translation import gettext_lazy as _
from ninja import Router

from portal.access import Role, access

from ..auth import token_scopes
from ..declare import ANY_SCOPE, operation
from ..family import FAMILY_RULE, family_pupils
from ..schemas import MeOut, PupilOut
from .serialize import pupil_out

router = Router(tags=["account"])


@operation(router.get, "/me", scope=ANY_SCOPE, response=MeOut,
           permission=_("the token's own account only"), summary=_("The token's user"))
def me(request):
    user, token = request.auth.user, request.auth
    person = user.person_or_none
    context = access(user)
    pupils = family_pupils(user)
    own = context.own_pupil_ids
    roles = sorted(str(Role(role).label) for role in context.all_roles if role in Role.values)
    return {
        "username": user.get_username(),
        "name": person.full_name if person else user.get_username(),
        "roles": roles,
        "token": {"name": token.name, "prefix": token.prefix,
                  "scopes": sorted(token_scopes(token)), "created": token.created},
        "pupils": [pupil_out(pupil, own) for pupil in pupils],
    }


@operation(router.get, "/pupils", scope=ANY_SCOPE, response=list[PupilOut],
           permission=FAMILY_RULE, summary=_("The pupils the user reads as family"),
           description=_("A parent's children and a pupil's own record; empty for others."))
def pupils(request):
    user = request.auth.user
    own = access(user).own_pupil_ids
    return [pupil_out(pupil, own) for pupil in family_pupils(user)]
