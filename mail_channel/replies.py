"""The words of the automatic answers, in Italian and English (pure functions)."""

from __future__ import annotations

from dataclasses import dataclass

from crm.models import Customer


@dataclass(frozen=True)
class ReplyParts:
    customer: Customer
    language: str
    request_number: str
    team_name: str
    link: str
    answer: str = ""  # the KB's answer, or order statuses; empty: a person will answer


GREETING = {
    "it": "{name}, grazie per averci contattati.",
    "en": "{name}, thank you for contacting us.",
}
ANONYMOUS = {"it": "Gentile cliente", "en": "Dear customer"}
ANSWER_INTRO = {
    "it": "Ecco la risposta alla tua domanda:",
    "en": "Here is the answer to your question:",
}
NO_ANSWER = {
    "it": "Abbiamo ricevuto la tua richiesta: un nostro operatore ti risponderà al più presto.",
    "en": "We have received your request: one of our team will answer you shortly.",
}
ASSISTANT = {
    "it": "Puoi continuare subito con il nostro assistente online, che sa già cosa ci hai "
    "chiesto:\n{link}",
    "en": "You can carry on right away with our online shop assistant, who already knows "
    "what you asked:\n{link}",
}
REQUEST_NUMBER = {
    "it": "Il numero della tua richiesta è {number}: citalo quando ci contatti per e-mail, "
    "in chat o al telefono.",
    "en": "Your request number is {number}: please quote it when you contact us by e-mail, "
    "chat or phone.",
}
TEAM = {
    "it": "La tua richiesta è seguita dal team {team}.",
    "en": "Your request is being handled by our {team} team.",
}
SIGNATURE = {
    "it": "Cordiali saluti,\nIl servizio clienti Sportello",
    "en": "Kind regards,\nSportello customer service",
}
ORDERS_INTRO = {"it": "Lo stato dei tuoi ordini:", "en": "The status of your orders:"}
ORDER_LINE = {
    "it": "- {number} del {created}: {status}, consegna prevista {delivery}",
    "en": "- {number} of {created}: {status}, expected delivery {delivery}",
}
NO_ORDERS = {
    "it": "Non troviamo ordini associati a questo indirizzo e-mail.",
    "en": "We cannot find any orders for this e-mail address.",
}


def greeting_name(customer: Customer, language: str) -> str:
    salutation = customer.salutation_label(language)
    name = customer.full_name
    if not name:
        return ANONYMOUS[language]
    return f"{salutation} {name}".strip()


def subject_with_number(subject: str, number: str) -> str:
    tag = f"[#{number}]"
    if not subject:
        base = "Re:"
    elif subject.lower().startswith("re:"):
        base = subject
    else:
        base = f"Re: {subject}"
    return base if tag in base else f"{base} {tag}"


def body(parts: ReplyParts) -> str:
    lang = parts.language if parts.language in GREETING else "it"
    paragraphs = [GREETING[lang].format(name=greeting_name(parts.customer, lang))]
    if parts.answer:
        paragraphs.append(f"{ANSWER_INTRO[lang]}\n{parts.answer}")
    else:
        paragraphs.append(NO_ANSWER[lang])
    paragraphs.append(ASSISTANT[lang].format(link=parts.link))
    paragraphs.append(REQUEST_NUMBER[lang].format(number=parts.request_number))
    if parts.team_name:
        paragraphs.append(TEAM[lang].format(team=parts.team_name))
    paragraphs.append(SIGNATURE[lang])
    return "\n\n".join(paragraphs) + "\n"


def orders_text(orders: list[dict], language: str) -> str:
    lang = language if language in ORDERS_INTRO else "it"
    if not orders:
        return NO_ORDERS[lang]
    lines = [
        ORDER_LINE[lang].format(
            number=o["number"],
            created=o["created_on"],
            status=o["status_label"],
            delivery=o["estimated_delivery"],
        )
        for o in orders
    ]
    return "\n".join([ORDERS_INTRO[lang], *lines])
