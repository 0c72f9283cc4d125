"""Which ticket does an inbound e-mail belong to?

Headers first (In-Reply-To, then References): they are what mail clients keep. Then a
request number in the subject ("[#123455]"), trusted only when the sender is the
ticket's customer, so nobody can join someone else's request by guessing a number.
"""

from __future__ import annotations

import re

from crm.models import Ticket
from mail_channel.models import EmailMessage
from mail_channel.parsing import ParsedEmail

REQUEST_NUMBER_IN_SUBJECT = re.compile(r"\[#(\d{6})\]")


def ticket_for(parsed: ParsedEmail) -> Ticket | None:
    message_ids = [m for m in [parsed.in_reply_to, *reversed(parsed.references)] if m]
    for message_id in message_ids:
        known = (
            EmailMessage.objects.filter(message_id=message_id, ticket__isnull=False)
            .select_related("ticket")
            .first()
        )
        if known is not None:
            return known.ticket
    match = REQUEST_NUMBER_IN_SUBJECT.search(parsed.subject)
    if match:
        ticket = Ticket.objects.select_related("customer").filter(number=match.group(1)).first()
        if ticket and ticket.customer.email.lower() == parsed.from_address:
            return ticket
    return None
