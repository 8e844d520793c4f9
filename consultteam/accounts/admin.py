from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from consultteam.accounts.forms import UserCreationForm
from consultteam.accounts.models import User


@admin.register(User)
# The stubs bound UserAdmin to AbstractUser; ours is an AbstractBaseUser with the same admin needs.
class UserAdmin(BaseUserAdmin[User]):  # type: ignore[type-var]
    add_form = UserCreationForm
    ordering = ["email"]
    list_display = ["email", "display_name", "is_active", "is_staff", "last_login"]
    list_filter = ["is_active", "is_staff", "is_superuser"]
    search_fields = ["email", "display_name"]
    readonly_fields = ["public_id", "last_login", "date_joined"]
    fieldsets = (
        (None, {"fields": ("email", "password", "public_id")}),
        ("Profile", {"fields": ("display_name", "time_zone")}),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "display_name", "time_zone", "password1", "password2"],
            },
        ),
    )
