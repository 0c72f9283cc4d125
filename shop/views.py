"""The order status page: the link in the confirmation e-mail (signed, no login)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from shop import selectors

TEXTS = {
    "it": {
        "title": "Il tuo ordine {number}",
        "status": "Stato",
        "ordered": "Ordinato il",
        "delivery": "Consegna prevista",
        "shipping": "Spedizione a",
        "items": "Articoli",
        "size": "taglia",
        "total": "Totale",
        "payment": "Pagamento",
        "prepaid_card": "carta prepagata",
        "cod": "contrassegno",
        "help": "Domande sull'ordine? Rispondi all'e-mail di conferma o scrivici in chat.",
        "date_format": "%d/%m/%Y",
    },
    "en": {
        "title": "Your order {number}",
        "status": "Status",
        "ordered": "Ordered on",
        "delivery": "Estimated delivery",
        "shipping": "Shipping to",
        "items": "Items",
        "size": "size",
        "total": "Total",
        "payment": "Payment",
        "prepaid_card": "prepaid card",
        "cod": "cash on delivery",
        "help": "Questions about your order? Reply to the confirmation e-mail or chat with us.",
        "date_format": "%d %b %Y",
    },
}


def order_status(request: HttpRequest, token: str) -> HttpResponse:
    order = selectors.order_by_status_token(token)
    if order is None:
        raise Http404("unknown or forged order link")
    language = order.customer.language if order.customer.language in TEXTS else "it"
    texts = TEXTS[language]
    summary = selectors.order_summary(order, language=language)
    response = render(
        request,
        "shop/order_status.html",
        {
            "language": language,
            "t": texts,
            "title": texts["title"].format(number=order.number),
            "order": order,
            "summary": summary,
            "lines": [
                {**line, "unit_price": db_line.unit_price}
                for line, db_line in zip(summary["lines"], order.lines.all(), strict=True)
            ],
            "ordered_on": timezone.localtime(order.created_at).strftime(texts["date_format"]),
            "delivery": order.estimated_delivery.strftime(texts["date_format"]),
            "payment": texts[order.payment_method],
        },
    )
    response["Content-Language"] = language
    # A signed link works like a password: keep it out of caches and referrers.
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
