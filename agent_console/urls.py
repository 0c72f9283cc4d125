from django.urls import path

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
]
