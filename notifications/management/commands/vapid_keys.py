import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from notifications.push import generate_keys


class Command(BaseCommand):
    help = ("Makes a VAPID key pair for web push. Prints it as environment variables "
            "(VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY), or, with --file, writes it to the "
            "settings' VAPID_KEY_FILE (the demo's, outside git).")

    def add_arguments(self, parser):
        parser.add_argument("--file", action="store_true",
                            help="Write the pair to VAPID_KEY_FILE instead of printing it.")
        parser.add_argument("--if-missing", action="store_true",
                            help="With --file: keep a pair that is already there.")

    def handle(self, *args, file=False, if_missing=False, **options):
        if not file:
            keys = generate_keys()
            self.stdout.write(f"VAPID_PUBLIC_KEY={keys['public_key']}\n"
                              f"VAPID_PRIVATE_KEY={keys['private_key']}")
            return
        if not settings.VAPID_KEY_FILE:
            raise CommandError("VAPID_KEY_FILE is not set.")
        path = Path(settings.VAPID_KEY_FILE)
        if if_missing and path.exists():
            self.stdout.write(f"Web push keys: {path} (kept)")
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600, exist_ok=True)
        path.write_text(json.dumps(generate_keys(), indent=1))
        self.stdout.write(f"Web push keys: {path} (new)")
