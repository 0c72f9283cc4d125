from django.urls import path

from internal_api import views

app_name = "internal_api"
urlpatterns = [
    path("customers/<int:customer_id>", views.customer_detail, name="customer-detail"),
    path("customers/<int:customer_id>/orders", views.customer_orders, name="customer-orders"),
    path("orders/<str:number>", views.order_detail, name="order-detail"),
    path("products", views.products, name="products"),
    path("products/lookup", views.product_lookup, name="product-lookup"),
    path("products/kids-new", views.kids_new_arrivals, name="kids-new-arrivals"),
    path("offers", views.offers, name="offers"),
]
