"""The console's pages: login, the queue, the conversation with the customer panel, and
small JSON/HTML endpoints. Live work (chat, take-over, pushes) goes over the websocket."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST
from pydantic import ValidationError

from agent_console import canned, labels, permissions, protocol
from agent_console import services as console_services
from crm import selectors as crm_selectors
from crm import services as crm_services
from crm.models import Conversation, Customer, PhoneNote, Team
from shop.models import Audience, Category, Material, Order, Product
from shop.selectors import STATUS_LABELS

RESUME_POINTS = [
    ("", _("where the bot left off")),
    ("shop_assistant", _("the shop assistant")),
    ("csat", _("the satisfaction question (ends the chat)")),
]
# Suggested outcomes: the value is what is stored (the same whatever the operator's language),
# the label is what the operator reads.
OUTCOMES = [
    ("answered", _("answered")),
    ("order placed", _("order placed")),
    ("complaint recorded", _("complaint recorded")),
    ("call back", _("call back")),
    ("no answer needed", _("no answer needed")),
]


def console_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Logged in (else to the console login) and allowed to use the console (else 403)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not permissions.can_use_console(request.user):
            raise PermissionDenied("the operator console is for operators")
        return view(request, *args, **kwargs)

    return login_required(wrapper, login_url=settings.CONSOLE_LOGIN_URL)


class ConsoleLoginView(auth_views.LoginView):
    template_name = "agent_console/login.html"
    redirect_authenticated_user = True
    next_page = "/console/"


class ConsoleLogoutView(auth_views.LogoutView):
    next_page = settings.CONSOLE_LOGIN_URL


def _operator(request: HttpRequest) -> dict[str, Any]:
    profile = getattr(request.user, "operator", None)
    return {
        "name": profile.display_name if profile else request.user.get_username(),
        "presence": profile.presence if profile else "offline",
        "max_chats": profile.max_concurrent_chats if profile else None,
    }


@console_view
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "agent_console/queue.html",
        {
            "operator": _operator(request),
            "snapshot": crm_selectors.console_queue(user_id=request.user.pk),
            "teams": Team.objects.filter(teammembership__user=request.user),
        },
    )


def _conversation_or_404(request: HttpRequest, pk: int) -> Conversation:
    access = permissions.conversation_access(request.user, pk)
    if not access.exists:
        raise Http404("no such conversation")
    if access.forbidden:
        raise PermissionDenied("this conversation belongs to another team")
    conversation = crm_selectors.conversation_for_console(conversation_id=pk)
    assert conversation is not None
    return conversation


@console_view
@require_GET
def conversation(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = _conversation_or_404(request, pk)
    operator = _operator(request)
    customer = conversation.customer
    kinds = _kinds(request)
    return render(
        request,
        "agent_console/conversation.html",
        {
            "operator": operator,
            "conversation": conversation,
            "card": crm_selectors.conversation_card(conversation),
            "customer": customer,
            "orders": _orders(customer),
            "tickets": list(customer.tickets.select_related("team")) if customer else [],
            "timeline": (
                crm_selectors.customer_timeline(customer_id=customer.pk, kinds=kinds)
                if customer
                else []
            ),
            "timeline_kinds": crm_selectors.TIMELINE_KINDS,
            "kinds": kinds,
            "canned": canned.canned_for_conversation(
                conversation=conversation, operator_name=operator["name"]
            ),
            "teams": Team.objects.all(),
            "operators": crm_selectors.team_operators(exclude_user_id=request.user.pk),
            "resume_points": RESUME_POINTS,
            "kb_trees": _kb_trees(),
            "outcomes": OUTCOMES,
            "filters": _filter_options(),
            "phone_directions": labels.choices("phone_direction", PhoneNote.Direction.choices),
            "preferences": _readable_items(customer.preferences if customer else {}),
            "context_items": _context_items(conversation.handoff_context or {}),
        },
    )


@console_view
@require_GET
def timeline(request: HttpRequest, pk: int) -> HttpResponse:
    """The timeline alone (HTML), to refresh it after an order without a reload."""
    conversation = _conversation_or_404(request, pk)
    customer = conversation.customer
    return render(
        request,
        "agent_console/_timeline.html",
        {
            "timeline": (
                crm_selectors.customer_timeline(customer_id=customer.pk, kinds=_kinds(request))
                if customer
                else []
            ),
            "orders": _orders(customer),
            "customer": customer,
        },
    )


@console_view
@require_POST
def phone_note(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = _conversation_or_404(request, pk)
    if conversation.customer_id is None:
        raise Http404("an anonymous visitor has no record to note a call on")
    if not request.user.has_perm("crm.add_phonenote"):
        raise PermissionDenied("you may not log phone calls")
    text = request.POST.get("text", "").strip()
    if text:
        crm_services.phone_note_create(
            customer_id=conversation.customer_id,
            operator_id=request.user.pk,
            text=text[:5000],
            direction=request.POST.get("direction") or PhoneNote.Direction.INBOUND,
            ticket_id=conversation.ticket_id,
        )
    return redirect(reverse("agent_console:conversation", args=[pk]) + "#timeline")


@console_view
@require_GET
def catalog(request: HttpRequest) -> JsonResponse:
    """The live count (and the first cards) for a catalog filter: the query string is the
    same `filter` object the push_catalog frame carries."""
    params = {key: value for key, value in request.GET.items() if key != "language"}
    for flag in ("on_offer", "include_unpublished"):
        if flag in params:
            params[flag] = params[flag] in ("1", "true", "on", "yes")
    try:
        flt = protocol.Filter.model_validate(params)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "filter"
        return JsonResponse(
            {"error": "invalid_filter", "detail": f"{where}: {first['msg']}"}, status=400
        )
    language = request.GET.get("language", "it")
    preview = console_services.catalog_preview(
        flt=flt.catalog_filter(), language=language if language in ("it", "en") else "it"
    )
    return JsonResponse(preview)


def readable(value: Any) -> str:
    """A JSON value as a line of text for the panel (lists joined, dicts as key: value)."""
    if isinstance(value, dict):
        return "; ".join(f"{k}: {readable(v)}" for k, v in value.items() if v not in ("", None, []))
    if isinstance(value, list):
        return ", ".join(readable(v) for v in value)
    return "" if value is None else str(value)


def _readable_items(data: dict[str, Any]) -> list[tuple[str, str]]:
    return [(key.replace("_", " "), readable(v)) for key, v in data.items() if readable(v)]


def _context_items(context: dict[str, Any]) -> list[tuple[str, str]]:
    """The bot's handoff card with its known keys worded for the operator."""
    known = labels.LABELS["context"]
    return [
        (labels.label("context", key) if key in known else key.replace("_", " "), readable(v))
        for key, v in context.items()
        if readable(v)
    ]


def _kinds(request: HttpRequest) -> list[str]:
    wanted = [k for k in request.GET.getlist("kind") if k in crm_selectors.TIMELINE_KINDS]
    return wanted or list(crm_selectors.TIMELINE_KINDS)


def _orders(customer: Customer | None) -> list[dict[str, Any]]:
    if customer is None:
        return []
    orders = Order.objects.filter(customer=customer).prefetch_related("lines__product")
    return [
        {
            "order": order,
            "status_label": STATUS_LABELS.get(get_language(), STATUS_LABELS["it"])[order.status],
            "lines": list(order.lines.all()),
        }
        for order in orders.order_by("-created_at")
    ]


def _kb_trees() -> list[tuple[str, str]]:
    """Published KB trees to hand a chat back to (the KB app owns them; absent → none)."""
    try:
        from kb.models import Tree

        return list(
            Tree.objects.exclude(live_version=None).order_by("slug").values_list("slug", "title_it")
        )
    except (ImportError, DatabaseError, AttributeError):
        return []


def _filter_options() -> dict[str, Any]:
    products = Product.objects.values_list("colours", "sizes")
    colours: set[str] = set()
    sizes: set[str] = set()
    for product_colours, product_sizes in products:
        colours.update(product_colours)
        sizes.update(product_sizes)
    return {
        "categories": labels.choices("category", Category.choices),
        "audiences": labels.choices("audience", Audience.choices),
        "materials": Material.objects.order_by("fibre_type", "code"),
        "fibre_types": labels.choices("fibre", Material.FibreType.choices),
        "colours": sorted(colours),
        "sizes": sorted(sizes),
    }
