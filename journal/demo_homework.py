"""Homework texts of the demo city's journal, as teachers of each subject set them: the
paragraph, page and exercise numbers move on through the year with the lesson's place
in it. Physical education, music, art and technology set no written work: now and then
something to practise or to bring.
"""

# Subjects without written homework, and the chance that a lesson of theirs sets any.
PRACTICAL = {
    "Физическая культура": ["Комплекс утренней гимнастики: выполнять ежедневно",
                            "Прыжки через скакалку: 3 подхода по 1 минуте",
                            "Повторить правила игры, которую проходили на уроке"],
    "Музыка": ["Послушать произведение, о котором говорили на уроке",
               "Разучить слова песни, которую пели на уроке"],
    "Изобразительное искусство": ["Принести альбом и акварельные краски",
                                  "Закончить рисунок, начатый на уроке"],
    "Технология": ["Принести материалы для практической работы",
                   "Закончить изделие, начатое на уроке"],
}
PRACTICAL_CHANCE = 0.15

PARAGRAPH = ["§ {n}, вопросы 1–{a}"]
WRITTEN = {
    "Математика": ["№ {m}, {k}", "№ {m}, {k}, {l}", "П. {n}, № {m}, {k}", "№ {m} (а, б), {k}"],
    "Алгебра": ["№ {m}, {k}", "№ {m}, {k}, {l}", "П. {n}, № {m}, {k}", "№ {m} (а, в), {k}"],
    "Геометрия": ["П. {n}, вопросы {a}–{b}, задачи № {m}, {k}", "П. {n}, задача № {m}",
                  "Выучить теорему из п. {n}, № {m}"],
    "Русский язык": ["Упр. {m}", "П. {n}, упр. {m}", "Выучить правило на с. {p}, упр. {m}",
                     "Упр. {m}, словарные слова на с. {p}"],
    "Литературное чтение": ["Прочитать с. {p}–{q}, ответить на вопросы",
                            "Выразительное чтение с. {p}–{q}", "Учить наизусть: {poem}",
                            "Пересказ текста на с. {p}–{q}"],
    "Литература": ["Прочитать с. {p}–{q}, ответить на вопросы 1–{a}",
                   "Учить наизусть: {poem}", "Письменный ответ на вопрос {a} на с. {p}",
                   "Прочитать с. {p}–{q}, подготовить пересказ"],
    "История": ["§ {n}, вопросы 1–{a}", "§ {n}, пересказ", "§ {n}, выучить даты",
                "§ {n}, составить план параграфа"],
    "Обществознание": ["§ {n}, вопросы 1–{a}", "§ {n}, выучить понятия",
                       "§ {n}, задания {a}, {b} рубрики «В классе и дома»"],
    "География": ["§ {n}, вопросы 1–{a}", "§ {n}, задание в контурной карте",
                  "§ {n}, работа с картой атласа"],
    "Биология": ["§ {n}, вопросы 1–{a}", "§ {n}, заполнить таблицу в тетради",
                 "§ {n}, рисунок в тетради с подписями"],
    "Физика": ["§ {n}, упр. {n} (1–{a})", "§ {n}, вопросы после параграфа",
               "§ {n}, задачи № {m}, {k} из задачника"],
    "Химия": ["§ {n}, упр. {a}, {b}", "§ {n}, задача {a}", "§ {n}, составить уравнения реакций"],
    "Информатика": ["§ {n}, вопросы 1–{a}", "§ {n}, задания {a}, {b} в рабочей тетради",
                    "Составить программу к задаче {a} из § {n}"],
    "Окружающий мир": ["Учебник с. {p}–{q}, рабочая тетрадь с. {r}",
                       "Учебник с. {p}–{q}, ответить на вопросы",
                       "Рабочая тетрадь с. {r}, задания {a}, {b}"],
    "Английский язык": ["Учебник с. {p}, упр. {a}", "Рабочая тетрадь с. {r}, упр. {a}, {b}",
                        "Выучить слова на с. {p}", "Учебник с. {p}, упр. {a}: читать и переводить"],
}
# Exercises a textbook of the subject holds in a year (the numbers of «№ …», «Упр. …»).
EXERCISES = {"Математика": 1500, "Алгебра": 1100, "Геометрия": 600, "Русский язык": 650,
             "Физика": 300}
PAGES, WORKBOOK_PAGES, PARAGRAPHS = 200, 80, 34
POEMS = {
    "primary": ["А. С. Пушкин. «Зимний вечер» (отрывок)", "С. А. Есенин. «Берёза»",
                "Ф. И. Тютчев. «Весенние воды»", "И. З. Суриков. «Детство» (отрывок)",
                "А. А. Фет. «Мама! Глянь-ка из окошка…»"],
    "basic": ["М. Ю. Лермонтов. «Бородино» (отрывок)", "А. С. Пушкин. «Зимнее утро»",
              "Ф. И. Тютчев. «Есть в осени первоначальной…»",
              "Н. А. Некрасов. «Крестьянские дети» (отрывок)", "М. Ю. Лермонтов. «Парус»"],
    "senior": ["А. С. Пушкин. «Я вас любил…»", "А. А. Блок. «Россия»",
               "С. А. Есенин. «Не жалею, не зову, не плачу…»",
               "А. С. Пушкин. «Евгений Онегин»: письмо Татьяны (отрывок)"],
}


def sets_homework(subject, rnd, chance):
    """Whether a lesson of ``subject`` gets homework: most lessons of the written
    subjects, a few of the practical ones."""
    return rnd.random() < (PRACTICAL_CHANCE if subject in PRACTICAL else chance)


def homework_text(subject, grade, position, hours, rnd):
    """The homework of the ``position``-th lesson (from 0) of a subject taught ``hours``
    a week in ``grade``."""
    if subject in PRACTICAL:
        return rnd.choice(PRACTICAL[subject])
    year = max(1, hours) * 34  # the year's lessons
    share = min(position, year) / year
    m = 1 + int(share * EXERCISES.get(subject, 300)) + rnd.randint(0, 3)
    p = 5 + int(share * PAGES)
    numbers = {
        "n": 1 + int(share * PARAGRAPHS), "m": m, "k": m + rnd.randint(1, 4),
        "p": p, "q": p + rnd.randint(3, 10), "r": 3 + int(share * WORKBOOK_PAGES),
        "a": rnd.randint(3, 6),
        "poem": rnd.choice(POEMS["primary" if grade <= 4 else "basic" if grade <= 8
                                 else "senior"]),
    }
    numbers["l"] = numbers["k"] + rnd.randint(1, 3)
    numbers["b"] = numbers["a"] + rnd.randint(1, 2)
    return rnd.choice(WRITTEN.get(subject, PARAGRAPH)).format(**numbers)
