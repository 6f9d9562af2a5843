"""R-PPL-1…3: every item of §4.1 of the statute has a place in the records.

Each item of the statute's lists (in its own words) is mapped to where it is kept:
a field of the record, of the person, of a related model, or a relation."""

import pytest
from django.core.exceptions import FieldDoesNotExist

from records.models import (
    Guardianship,
    Institution,
    InstitutionDocument,
    MethodicalWork,
    Parent,
    ParentFile,
    Person,
    Pupil,
    PupilCharacteristic,
    PupilFile,
    PupilHealth,
    Staff,
    StaffAttestation,
    StaffFile,
)

PERSON = ["surname", "name", "patronymic", "birth_date", "sex"]
PASSPORT = ["passport_series", "passport_number", "passport_issued_by", "passport_issued_on"]

STAFF = {
    "фамилия, имя, отчество, дата рождения, пол": [(Person, f) for f in PERSON],
    "гражданство": [(Staff, "citizenship")],
    "паспортные данные": [(Staff, f) for f in PASSPORT],
    "место жительства": [(Staff, "residence_address")],
    "место регистрации": [(Staff, "registration_address")],
    "домашний телефон": [(Staff, "home_phone")],
    "адрес электронной почты": [(Staff, "email")],
    "преподаваемые предметы": [(Staff, "subjects")],
    "функции пользователя": [(Person, "role_assignments")],
    "табельный номер": [(Staff, "personnel_number")],
    "учебная деятельность": [(Staff, "teaches")],
    "дата приема на работу, № приказа": [(Staff, "hired_on"), (Staff, "hire_order")],
    "основная должность": [(Staff, "position")],
    "заявка на аттестацию по дополнительной должности": [(Staff, "extra_position_attestation")],
    "трудовой стаж": [(Staff, "total_experience_years"), (Staff, "teaching_experience_years")],
    "семейное положение": [(Staff, "marital_status")],
    "состав семьи": [(Staff, "family")],
    "ИНН": [(Staff, "inn")],
    "№ страхового пенсионного свидетельства": [(Staff, "snils")],
    "звание, ученая степень": [(Staff, "rank_and_degree")],
    "награды": [(Staff, "awards")],
    "образование": [(Staff, "education")],
    "учебное заведение": [(Staff, "graduated_from")],
    "дата выдачи и № диплома": [(Staff, "diploma_issued_on"), (Staff, "diploma_number")],
    "специальность по диплому": [(Staff, "diploma_speciality")],
    "прохождение курсов повышения квалификации": [(Staff, "professional_courses")],
    "курсы заочного обучения": [(Staff, "distance_courses")],
    "категория работника": [(Staff, "category")],
    "подразделение": [(Staff, "unit")],
    "наличие ПК дома": [(Staff, "pc_at_home")],
    "декретный отпуск": [(Staff, "on_maternity_leave")],
    "дата выхода на пенсию": [(Staff, "retirement_date")],
    "прикреплённые файлы": [(StaffFile, "file"), (StaffFile, "record")],
    "комментарии": [(Staff, "comment")],
    # Appendix 3 item 8.
    "методическая деятельность": [(MethodicalWork, f) for f in ("staff", "form", "topic")],
    "аттестация": [(StaffAttestation, f) for f in ("staff", "attested_on", "category",
                                                   "result")],
}

PUPIL = {
    "фамилия, имя, отчество, дата рождения, пол": [(Person, f) for f in PERSON],
    "гражданство": [(Pupil, "citizenship")],
    "паспортные данные": [(Pupil, f) for f in PASSPORT],
    "место жительства": [(Pupil, "residence_address")],
    "место регистрации": [(Pupil, "registration_address")],
    "домашний телефон": [(Pupil, "home_phone")],
    "адрес электронной почты": [(Pupil, "email")],
    "родители (законные представители)": [(Pupil, "parents"), (Guardianship, "relation")],
    "иностранный язык": [(Pupil, "foreign_language")],
    "ИНН": [(Pupil, "inn")],
    "группа здоровья": [(PupilHealth, "health_group")],
    "физ. группа": [(PupilHealth, "pe_group")],
    "№ личного дела": [(Pupil, "personal_file_number")],
    "свидетельство о рождении": [(Pupil, "birth_certificate_series"),
                                 (Pupil, "birth_certificate_number"),
                                 (Pupil, "birth_certificate_issued_on")],
    "дополнительная контактная информация": [(Pupil, "extra_contacts")],
    "наличие ПК дома": [(Pupil, "pc_at_home")],
    "медицинский полис": [(PupilHealth, "insurance_policy")],
    "организация, выдавшая мед.полис": [(PupilHealth, "insurance_issuer")],
    "состав семьи": [(Pupil, "family")],
    "социальное положение": [(PupilCharacteristic, "social_status")],
    "дополнительное образование": [(Pupil, "additional_education")],
    "девиантное поведение": [(PupilCharacteristic, "deviant_behaviour")],
    "предметы для ЕГЭ": [(Pupil, "exam_subjects")],
    "тип документа для ЕГЭ": [(Pupil, "exam_document")],
    "прикреплённые файлы": [(PupilFile, "file"), (PupilFile, "record")],
    "комментарий": [(Pupil, "comment")],
}

PARENT = {
    "фамилия, имя, отчество, дата рождения, пол": [(Person, f) for f in PERSON],
    "паспортные данные": [(Parent, f) for f in PASSPORT],
    "место жительства": [(Parent, "residence_address")],
    "место регистрации": [(Parent, "registration_address")],
    "домашний телефон": [(Parent, "home_phone")],
    "адрес электронной почты": [(Parent, "email")],
    "дети": [(Parent, "children")],
    "степень родства": [(Guardianship, "relation")],
    "мобильный телефон": [(Parent, "mobile_phone")],
    "образование": [(Parent, "education")],
    "место работы": [(Parent, "workplace")],
    "должность": [(Parent, "job_position")],
    "рабочий телефон": [(Parent, "work_phone")],
    "факс": [(Parent, "fax")],
    "помощь школе": [(Parent, "help_to_school")],
    "дата и результат обращения за помощью": [(Parent, "help_requested_on"),
                                              (Parent, "help_request_result")],
    "прикреплённые файлы": [(ParentFile, "file"), (ParentFile, "record")],
    "комментарий": [(Parent, "comment")],
}


# R-INST-1: the institution card.
INSTITUTION = {
    "полное наименование": [(Institution, "name")],
    "тип": [(Institution, "institution_type")],
    "вид": [(Institution, "kind")],
    "организационно-правовая форма": [(Institution, "legal_form")],
    "почтовый адрес": [(Institution, "address")],
    "директор, заместители по УВР и АХР": [
        (Institution, "director_name"), (Institution, "deputy_academic_name"),
        (Institution, "deputy_administrative_name")],
    "телефоны, факс, электронная почта": [(Institution, "phone"), (Institution, "fax"),
                                          (Institution, "email")],
    "ИНН, ОКПО, ОКАТО, ОКОГУ": [(Institution, f) for f in ("inn", "okpo", "okato", "okogu")],
    "специализация": [(Institution, "specialisation")],
    "лицензирование, аттестация, аккредитация (номер, дата, срок, скан)": [
        (InstitutionDocument, f) for f in ("kind", "number", "issued_on", "valid_until",
                                           "scan")],
    "устав, программа развития, план работы": [
        (Institution, "charter"), (Institution, "development_programme"),
        (Institution, "work_plan")],
}


@pytest.mark.parametrize("items", [STAFF, PUPIL, PARENT, INSTITUTION],
                         ids=["staff", "pupil", "parent", "institution"])
def test_every_item_of_the_statute_has_a_field(items):
    missing = []
    for item, places in items.items():
        for model, name in places:
            try:
                model._meta.get_field(name)
            except FieldDoesNotExist:
                missing.append(f"{item}: {model.__name__}.{name}")
    assert not missing
