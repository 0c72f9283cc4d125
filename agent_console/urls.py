from django.urls import path
from django.views.i18n import JavaScriptCatalog

from agent_console import views

app_name = "agent_console"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("login/", views.ConsoleLoginView.as_view(), name="login"),
    path("logout/", views.ConsoleLogoutView.as_view(), name="logout"),
    path("conversations/<int:pk>/", views.conversation, name="conversation"),
    path("conversations/<int:pk>/timeline/", views.timeline, name="timeline"),
    path("conversations/<int:pk>/phone-notes/", views.phone_note, name="phone_note"),
    path("api/catalog/", views.catalog, name="catalog"),
    # The console's strings for console.js (gettext, ngettext, interpolate), in the
    # request's language.
    path(
        "jsi18n/",
        JavaScriptCatalog.as_view(domain="djangojs", packages=["agent_console"]),
        name="jsi18n",
    ),
]
