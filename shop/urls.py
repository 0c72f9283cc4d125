from django.urls import path

from shop import views

app_name = "shop"
urlpatterns = [
    path("orders/<str:token>/", views.order_status, name="order_status"),
]
