"""The access matrix of the mail (R-MAIL-1). Who may write to whom is not a matrix of
rows but a rule over people: messaging/addressbook.py. What is here is who reads the
rows a message leaves: its attachments, read by the message's sender and recipients
only (the ``mailbox`` path of ``Attachment``), whatever role they hold where. A thread
and its messages are read through the user's own ``Mailbox`` and ``Recipient`` rows
(messaging/queries.py), never through a role."""

from django.utils.translation import gettext_lazy as _

from portal.access import Role, Scope, cells, grant

from .models import Attachment

# The user's own mail: rows whose sender or recipient is the user's login.
OWN_MAIL = Scope("own_mail", _("own mail (sender or recipient)"), "mailbox",
                 lambda c, role: {c.user.pk})

VIEW_ATTACHMENT = grant("messaging.view_attachment", Attachment, cells(Role, OWN_MAIL))
