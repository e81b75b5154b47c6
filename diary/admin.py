from django.contrib import admin

from diary.models import (
    CheckIn,
    CustomAnswer,
    CustomFactor,
    Episode,
    Medication,
    Profile,
    ShareLink,
    ShareLinkOpening,
)


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "time_zone"]
    search_fields = ["user__username"]


@admin.register(Medication)
class MedicationAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "kind", "started_on", "stopped_on"]
    list_filter = ["kind"]
    search_fields = ["name", "user__username"]


@admin.register(Episode)
class EpisodeAdmin(admin.ModelAdmin):
    list_display = ["started_at", "user", "muscle", "side", "intensity", "kind"]
    list_filter = ["muscle", "kind"]
    date_hierarchy = "started_at"
    search_fields = ["user__username"]


@admin.register(CheckIn)
class CheckInAdmin(admin.ModelAdmin):
    list_display = ["date", "user", "water_ml", "sleep_hours", "stress"]
    date_hierarchy = "date"
    search_fields = ["user__username"]
    filter_horizontal = ["medications_taken"]


@admin.register(CustomFactor)
class CustomFactorAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "kind", "threshold"]
    list_filter = ["kind"]
    search_fields = ["name", "user__username"]


@admin.register(CustomAnswer)
class CustomAnswerAdmin(admin.ModelAdmin):
    list_display = ["checkin", "factor", "value"]
    search_fields = ["factor__name", "checkin__user__username"]


class ShareLinkOpeningInline(admin.TabularInline):
    model = ShareLinkOpening
    extra = 0
    readonly_fields = ["opened_at", "pdf"]


@admin.register(ShareLink)
class ShareLinkAdmin(admin.ModelAdmin):
    # The token hash is left out: it is of no use to anyone reading the admin.
    list_display = ["created_at", "user", "first_day", "last_day", "expires_at", "revoked_at"]
    search_fields = ["user__username"]
    exclude = ["token_hash"]
    inlines = [ShareLinkOpeningInline]


@admin.register(ShareLinkOpening)
class ShareLinkOpeningAdmin(admin.ModelAdmin):
    list_display = ["opened_at", "link", "pdf"]
    readonly_fields = ["opened_at", "link", "pdf"]
