from django.urls import path

from internal_api import views

app_name = "internal_api"
urlpatterns = [
    path("customers/<int:customer_id>", views.customer_detail, name="customer-detail"),
]
