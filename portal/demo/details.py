"""Plausible values for every field of the staff, pupil and parent records (§4.1)."""

import datetime

from records.models import (
    DirectoryEntry,
    DirectoryKind,
    InstitutionDocument,
    InstitutionDocumentKind,
    InstitutionKind,
    InstitutionType,
    LegalForm,
    MaritalStatus,
    MethodicalWork,
    StaffAttestation,
)

from .names import STREETS

UNIVERSITIES = [
    "Северо-Восточный федеральный университет им. М. К. Аммосова",
    "Якутский государственный университет",
    "Якутский педагогический колледж им. С. Ф. Гоголева",
    "Новосибирский государственный педагогический университет",
    "Иркутский государственный университет",
]
WORKPLACES = [
    ("АО «Якутскэнерго»", "инженер"), ("ГБУ РС(Я) «Республиканская больница № 1»", "врач"),
    ("ПАО «Якутскгазпром»", "оператор"), ("ИП Николаев", "продавец"),
    ("Окружная администрация города Якутска", "специалист"),
    ("ООО «Северный строитель»", "прораб"), ("МБДОУ «Детский сад № 12»", "воспитатель"),
    ("ГУП «Жилищное хозяйство»", "мастер"), ("АК «АЛРОСА»", "геолог"),
]
METHODICAL_FORMS = ["Открытый урок", "Доклад на методическом объединении", "Публикация",
                    "Мастер-класс", "Участие в конкурсе «Учитель года»"]
METHODICAL_TOPICS = [
    "Формирование функциональной грамотности на уроках",
    "Проектная деятельность учащихся", "Обновлённые ФГОС: первые итоги",
    "Цифровые образовательные ресурсы на уроке", "Работа с одарёнными детьми",
    "Подготовка к ОГЭ и ЕГЭ", "Смысловое чтение в основной школе",
]
CLUBS = ["Шахматы", "Хомус", "Вольная борьба", "Хоровое пение", "Робототехника",
         "Национальные прыжки", "Художественная школа", "Музыкальная школа"]


class Details:
    def __init__(self, rnd, year=2026):
        self.random = rnd
        # Dates are drawn as for the school year 2026/2027 and moved by whole years to
        # the demo year starting in ``year``.
        self.year, self.shift = year, year - 2026
        self.values = {}
        for entry in DirectoryEntry.objects.filter(institution__isnull=True):
            self.values.setdefault(entry.kind, []).append(entry)

    def pick(self, kind, weights=None):
        return self.random.choices(self.values[kind], weights=weights)[0]

    def digits(self, n):
        return "".join(str(self.random.randint(0, 9)) for _ in range(n))

    def address(self):
        rnd = self.random
        return (f"677000, г. Якутск, {rnd.choice(STREETS)}, д. {rnd.randint(1, 120)}, "
                f"кв. {rnd.randint(1, 90)}")

    def phone(self, prefix="+7 914"):
        rnd = self.random
        return f"{prefix} {rnd.randint(100, 999)}-{rnd.randint(10, 99)}-{rnd.randint(10, 99)}"

    def passport(self, row, born):
        row.passport_series = f"98 {self.random.randint(10, 25):02d}"
        row.passport_number = self.digits(6)
        row.passport_issued_by = "МВД по Республике Саха (Якутия)"
        row.passport_issued_on = born + datetime.timedelta(days=int(14 * 365.25) + 30)

    def common(self, row, person, address):
        self.passport(row, person.birth_date)
        row.residence_address = address
        row.registration_address = address if self.random.random() < 0.8 else self.address()
        row.home_phone = self.phone("+7 4112") if self.random.random() < 0.3 else ""

    def staff(self, staff, teaches):
        rnd, person = self.random, staff.person
        self.common(staff, person, self.address())
        staff.email = f"staff{self.digits(6)}@edu.example.ru"
        staff.citizenship = self.values[DirectoryKind.CITIZENSHIP][0]
        staff.inn = "14" + self.digits(10)
        snils = self.digits(9)
        staff.snils = f"{snils[:3]}-{snils[3:6]}-{snils[6:]} {self.digits(2)}"
        staff.teaches = teaches
        staff.hire_order = f"№ {rnd.randint(1, 150)}-к"
        age = (staff.hired_on - person.birth_date).days // 365
        staff.total_experience_years = max(0, self.year - staff.hired_on.year) + rnd.randint(0, 5)
        staff.teaching_experience_years = staff.total_experience_years if teaches else 0
        staff.marital_status = rnd.choice(MaritalStatus.values)
        staff.family = rnd.choice(["", "Супруг(а), сын", "Супруг(а), двое детей", "Дочь",
                                   "Супруг(а)"])
        staff.education = self.pick(DirectoryKind.EDUCATION_LEVEL, [4, 3, 2, 2, 0, 0])
        staff.graduated_from = rnd.choice(UNIVERSITIES)
        staff.diploma_number = f"{self.digits(6)} {self.digits(7)}"
        staff.diploma_issued_on = person.birth_date + datetime.timedelta(days=22 * 365)
        staff.diploma_speciality = "Педагогическое образование" if teaches else "Менеджмент"
        staff.rank_and_degree = "Почётный работник общего образования РФ" \
            if age > 45 and rnd.random() < 0.3 else ""
        staff.awards = "Отличник образования РС(Я)" if rnd.random() < 0.2 else ""
        staff.professional_courses = (
            f"«Обновлённые ФГОС», 72 ч, {rnd.randint(2022, 2026) + self.shift}" if teaches else "")
        staff.distance_courses = "«Цифровая грамотность педагога», 36 ч" \
            if rnd.random() < 0.3 else ""
        position = staff.position.name
        category = 1 if teaches else (0 if "Директор" in position
                                      or "Заместитель" in position else 2)
        staff.category = self.values[DirectoryKind.STAFF_CATEGORY][category]
        staff.unit = "Начальная школа" if "начальных" in position else \
            ("Администрация" if category == 0 else "Основная и средняя школа")
        staff.pc_at_home = rnd.random() < 0.9
        staff.on_maternity_leave = False
        staff.retirement_date = None
        staff.comment = ""

    def institution(self, institution, number):
        rnd = self.random
        institution.institution_type = InstitutionType.GENERAL
        institution.kind = (InstitutionKind.GYMNASIUM if number % 10 == 2 else
                            InstitutionKind.LYCEUM if number % 10 == 7 else
                            InstitutionKind.SECONDARY)
        institution.legal_form = (LegalForm.AUTONOMOUS if number % 6 == 0
                                  else LegalForm.BUDGETARY)
        institution.fax = institution.phone
        institution.inn = "1435" + self.digits(6)
        institution.okpo = self.digits(8)
        institution.okato = "98401000000"  # Якутск
        institution.okogu = "4210007"  # municipal bodies of education
        institution.specialisation = {
            InstitutionKind.GYMNASIUM: "Углублённое изучение иностранных языков",
            InstitutionKind.LYCEUM: "Физико-математический и инженерный профили",
        }.get(institution.kind, rnd.choice(["", "Профильное обучение в 10–11 классах",
                                            "Робототехника и IT-классы"]))

    def institution_documents(self, institution, today):
        """A licence without a time limit and an accreditation certificate; some end
        within the next months, so the highlight shows in the demo."""
        rnd = self.random
        licence_year = rnd.randint(2012, 2020) + self.shift
        accredited = datetime.date(rnd.randint(2015, 2022) + self.shift, rnd.randint(1, 12), 15)
        valid_until = accredited.replace(year=accredited.year + 12)
        if rnd.random() < 0.15:
            valid_until = today + datetime.timedelta(days=rnd.randint(20, 80))
        return [
            InstitutionDocument(
                institution=institution, kind=InstitutionDocumentKind.LICENCE, sort_order=0,
                number=f"{rnd.randint(100, 2999)}", issued_on=datetime.date(licence_year, 3, 1),
                issued_by="Министерство образования и науки РС(Я)"),
            InstitutionDocument(
                institution=institution, kind=InstitutionDocumentKind.ACCREDITATION,
                sort_order=1, number=f"{rnd.randint(100, 1999)}", issued_on=accredited,
                valid_until=valid_until,
                issued_by="Министерство образования и науки РС(Я)"),
        ]

    def staff_history(self, staff, year_start):
        """An attestation and some methodical work of a teacher (Appendix 3 item 8)."""
        rnd = self.random
        attested = datetime.date(rnd.randint(2021, 2026) + self.shift,
                                 rnd.choice([3, 5, 11, 12]), 20)
        rows = [StaffAttestation(
            staff=staff, sort_order=0, attested_on=attested, position=staff.position.name,
            category=staff.category, result="Соответствует категории",
            order_number=f"№ 01-10/{rnd.randint(100, 999)}",
            valid_until=attested.replace(year=attested.year + 5))]
        for n in range(rnd.choice([0, 1, 1, 2])):
            rows.append(MethodicalWork(
                staff=staff, sort_order=n, form=rnd.choice(METHODICAL_FORMS),
                done_on=year_start - datetime.timedelta(days=rnd.randint(30, 700)),
                topic=rnd.choice(METHODICAL_TOPICS), result=rnd.choice(["", "Сертификат",
                                                                         "Публикация"])))
        return rows

    def pupil(self, pupil, grade, address):
        rnd, person = self.random, pupil.person
        if grade + 6 >= 14:
            self.common(pupil, person, address)
        else:
            pupil.residence_address = address
            pupil.registration_address = address
        pupil.citizenship = self.values[DirectoryKind.CITIZENSHIP][
            0 if rnd.random() < 0.96 else rnd.randint(1, 5)]
        pupil.inn = "14" + self.digits(10) if rnd.random() < 0.5 else ""
        pupil.foreign_language = self.pick(DirectoryKind.FOREIGN_LANGUAGE, [85, 10, 3, 2])
        pupil.birth_certificate_series = "I-СН"
        pupil.birth_certificate_number = self.digits(6)
        pupil.birth_certificate_issued_on = person.birth_date + datetime.timedelta(days=20)
        pupil.extra_contacts = f"Бабушка: {self.phone()}" if rnd.random() < 0.3 else ""
        pupil.pc_at_home = rnd.random() < 0.85
        pupil.additional_education = rnd.choice(CLUBS) if rnd.random() < 0.5 else ""
        pupil.exam_document = self.values[DirectoryKind.EXAM_DOCUMENT][
            0 if grade + 6 >= 14 else 1] if grade in (9, 11) else None

    def parent(self, parent, address):
        rnd = self.random
        self.common(parent, parent.person, address)
        parent.email = f"parent{self.digits(6)}@mail.example.ru" if rnd.random() < 0.7 else ""
        parent.education = self.pick(DirectoryKind.EDUCATION_LEVEL, [2, 2, 3, 4, 2, 1])
        parent.workplace, parent.job_position = rnd.choice(WORKPLACES)
        parent.work_phone = self.phone("+7 4112") if rnd.random() < 0.5 else ""
        parent.fax = ""
        if rnd.random() < 0.1:
            parent.help_to_school = "Помощь в ремонте кабинета"
        if rnd.random() < 0.05:
            parent.help_requested_on = datetime.date(
                self.year, rnd.randint(9, 11), rnd.randint(1, 28))
            parent.help_request_result = "Консультация педагога-психолога проведена"

    def health(self, pupil_health):
        rnd = self.random
        pupil_health.health_group = self.pick(DirectoryKind.HEALTH_GROUP, [30, 55, 12, 2, 1])
        pupil_health.pe_group = self.pick(DirectoryKind.PE_GROUP, [80, 12, 4, 1, 3])
        pupil_health.insurance_policy = self.digits(16)
        pupil_health.insurance_issuer = rnd.choice(
            ["АО «Страховая компания «Сахамедстрах»", "ООО «Капитал МС»"])
        pupil_health.notes = rnd.choice(["", "", "", "Аллергия на цитрусовые", "Носит очки"])

    def characteristic(self, row, family_children):
        rnd = self.random
        statuses = self.values[DirectoryKind.SOCIAL_STATUS]
        row.social_status = statuses[2] if family_children > 2 else rnd.choice(
            [statuses[0]] * 6 + statuses[1:])
        row.deviant_behaviour = "Состоит на внутришкольном учёте" if rnd.random() < 0.03 else ""
        row.characteristic = rnd.choice([
            "Общителен, активно участвует в жизни класса.",
            "Спокоен, старателен, в классе имеет друзей.",
            "Нуждается в поддержке при адаптации.",
        ])
