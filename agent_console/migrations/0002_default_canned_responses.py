"""A few canned responses every installation starts with (editable in the admin)."""

from django.db import migrations

DEFAULTS = [
    (
        "Greeting",
        "ciao",
        "Buongiorno {customer.salutation} {customer.last_name}, sono {operator.name}: "
        "come posso aiutarla?",
        "Good morning {customer.salutation} {customer.last_name}, this is {operator.name}: "
        "how can I help you?",
    ),
    (
        "Last order status",
        "ordine",
        "Il suo ultimo ordine {order.last.number} è {order.last.status}; "
        "consegna prevista il {order.last.estimated_delivery}.",
        "Your last order {order.last.number} is {order.last.status}; "
        "estimated delivery {order.last.estimated_delivery}.",
    ),
    (
        "Catalog coming",
        "catalogo",
        "Le mostro subito una selezione di capi nel catalogo qui in chat.",
        "I am showing you a selection of items right here in the chat.",
    ),
    (
        "Order form coming",
        "modulo",
        "Le invio il modulo d'ordine: controlli taglia, colore e indirizzo, poi lo invii.",
        "I am sending you the order form: check size, colour and address, then send it.",
    ),
    (
        "Goodbye",
        "saluti",
        "Grazie {customer.salutation} {customer.last_name}, buona giornata!",
        "Thank you {customer.salutation} {customer.last_name}, have a nice day!",
    ),
]


def create(apps, schema_editor):
    CannedResponse = apps.get_model("agent_console", "CannedResponse")
    for title, shortcut, text_it, text_en in DEFAULTS:
        CannedResponse.objects.get_or_create(
            shortcut=shortcut, defaults={"title": title, "text_it": text_it, "text_en": text_en}
        )


def remove(apps, schema_editor):
    CannedResponse = apps.get_model("agent_console", "CannedResponse")
    CannedResponse.objects.filter(shortcut__in=[d[1] for d in DEFAULTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("agent_console", "0001_initial")]
    operations = [migrations.RunPython(create, remove)]
