"""The demo city's personal data requests (issue 14, item 9): in school 1, one request
in each state, one of them overdue, filed by the demo family, pupil and teacher and
handled by ``school1.secretary`` through the named actions (so each has its history).
Everything is dated from the build day, the same on every build of the same day."""

import datetime

from django.contrib.contenttypes.models import ContentType
from wagtail.models import ModelLogEntry, Revision

from journal.demo_journal import local_time
from records.models import User

from . import actions
from .deadlines import add_working_days
from .models import RequestKind, SubjectRequest

DAY = datetime.timedelta(days=1)

# (login filing, whose data: "self" or "child", kind, calendar days before the build day,
#  what happens: (action, working days after receipt, answer) or None, the request text)
REQUESTS = [
    ("school1.parent", "child", RequestKind.ACCESS, 21, None,
     "Прошу сообщить, какие персональные данные моего ребёнка обрабатывает школа, "
     "с какой целью и кому они передаются."),
    ("school1.pupil", "self", RequestKind.COPY, 0, None,
     "Прошу выдать копию моих персональных данных, которые хранит школа."),
    ("school1.teacher", "self", RequestKind.CORRECTION, 1, ("take", 0, ""),
     "В моей карточке неверно указан номер диплома: правильно 107724 0123456."),
    ("school1.parent", "child", RequestKind.COPY, 30,
     ("answer", 4, "Копия персональных данных ребёнка подготовлена: её можно скачать на "
                   "странице запроса в форматах PDF и JSON."),
     "Прошу предоставить копию персональных данных моего ребёнка."),
    ("school1.parent", "self", RequestKind.ERASURE, 40,
     ("refuse", 5, "Номер мобильного телефона законного представителя школа обязана "
                   "хранить, пока ребёнок обучается (минимальный состав сведений); "
                   "удалить его нельзя. Вы можете указать другой номер."),
     "Прошу удалить мой номер мобильного телефона из данных школы."),
]


def build(builder):
    secretary = User.objects.get(username="school1.secretary")
    school = builder.schools[0]["institution"]
    made = 0
    for username, whose, kind, days_ago, outcome, text in REQUESTS:
        user = User.objects.select_related("person").get(username=username)
        if whose == "self":
            subject = user.person
        else:
            child = (user.person.parent_records.get(institution=school).children
                     .select_related("person").order_by("pk").first())
            subject = child.person
        received = builder.today - days_ago * DAY
        request = actions.file(user, subject, school, kind, text, received_on=received)
        if outcome is not None:
            action, after, answer = outcome
            request = actions.take(request, secretary)
            if action != "take":
                request = getattr(actions, action)(request, secretary, answer)
                when = local_time(add_working_days(received, after), datetime.time(15))
                SubjectRequest.objects.filter(pk=request.pk).update(answered_at=when)
        made += 1
    builder.say(f"Personal data requests: {made}")


def reset():
    kind = ContentType.objects.get_for_model(SubjectRequest)
    ModelLogEntry.objects.filter(content_type=kind).delete()
    Revision.objects.filter(base_content_type=kind).delete()
    SubjectRequest.objects.all().delete()
