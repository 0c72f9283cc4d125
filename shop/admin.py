from django.contrib import admin

from shop.models import Material, Offer, Order, OrderLine, PrepaidCard, Product


@admin.register(Material)
class MaterialAdmin(admin.ModelAdmin):
    list_display = ("code", "name_it", "name_en", "fibre_type")


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ("sku", "name_it", "category", "audience", "material", "price", "published")
    list_filter = ("category", "audience", "material__fibre_type", "published")
    search_fields = ("sku", "name_it", "name_en")


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    list_display = ("name_it", "category", "discount_percent", "starts_on", "ends_on")
    filter_horizontal = ("products",)


@admin.register(PrepaidCard)
class PrepaidCardAdmin(admin.ModelAdmin):
    list_display = ("__str__", "balance", "active")


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ("number", "customer", "status", "total", "created_at", "estimated_delivery")
    list_filter = ("status", "payment_method")
    search_fields = ("number", "customer__last_name")
    inlines = [OrderLineInline]
