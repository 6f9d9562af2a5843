from django.db import migrations


def create_homepage(apps, schema_editor):
    """Replace Wagtail's placeholder "Welcome" page with the portal's home page."""
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    Locale = apps.get_model("wagtailcore.Locale")
    HomePage = apps.get_model("sgo_pages.HomePage")

    Page.objects.filter(depth=2, slug="home").delete()
    content_type, _ = ContentType.objects.get_or_create(model="homepage", app_label="sgo_pages")
    locale = Locale.objects.first()
    home = HomePage.objects.create(
        title="Сетевой Город. Образование",
        draft_title="Сетевой Город. Образование",
        slug="home",
        content_type=content_type,
        path="00010001",
        depth=2,
        numchild=0,
        url_path="/home/",
        locale=locale,
        intro=(
            "Портал образования города: объявления, расписание, электронный журнал "
            "и дневник для учеников, родителей и учителей."
        ),
    )
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "root_page": home, "site_name": "SGO"},
    )
    root = Page.objects.get(depth=1)
    root.numchild = 1
    root.save(update_fields=["numchild"])


def remove_homepage(apps, schema_editor):
    apps.get_model("sgo_pages.HomePage").objects.filter(slug="home", depth=2).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("sgo_pages", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_homepage, remove_homepage)]
