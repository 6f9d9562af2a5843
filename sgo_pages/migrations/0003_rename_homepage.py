from django.db import migrations

OLD_TITLE = "Сетевой Город. Образование"
NEW_TITLE = "Школьный портал"


def rename_homepage(apps, schema_editor):
    """The home page was first created under another product's trademark: it takes the
    portal's own default name. Only a page still titled so: a title an editor chose
    stays."""
    HomePage = apps.get_model("sgo_pages.HomePage")
    Revision = apps.get_model("wagtailcore.Revision")
    Site = apps.get_model("wagtailcore.Site")
    for home in HomePage.objects.filter(title=OLD_TITLE):
        home.title = NEW_TITLE
        if home.draft_title == OLD_TITLE:
            home.draft_title = NEW_TITLE
        home.save(update_fields=["title", "draft_title"])
        revision = home.latest_revision_id and Revision.objects.filter(
            pk=home.latest_revision_id).first()
        if revision and revision.content.get("title") == OLD_TITLE:
            revision.content["title"] = NEW_TITLE
            if revision.content.get("draft_title") == OLD_TITLE:
                revision.content["draft_title"] = NEW_TITLE
            revision.object_str = NEW_TITLE
            revision.save(update_fields=["content", "object_str"])
    # The default site was named by the same code name.
    Site.objects.filter(site_name="SGO").update(site_name=NEW_TITLE)


class Migration(migrations.Migration):
    dependencies = [
        ("sgo_pages", "0002_create_homepage"),
    ]

    operations = [migrations.RunPython(rename_homepage, migrations.RunPython.noop)]
