from django.urls import path

from webchat import views

app_name = "webchat"
urlpatterns = [
    path("api/webchat/session", views.session, name="session"),
    path("demo/", views.demo, name="demo"),
]
