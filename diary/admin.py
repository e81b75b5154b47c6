from django.contrib import admin

from diary.dataversion import diary_changed
from diary.models import (
    CheckIn,
    CustomAnswer,
    CustomFactor,
    Episode,
    Medication,
    Profile,
    ReminderSent,
    ShareLink,
    ShareLinkOpening,
)


class DiaryAdmin(admin.ModelAdmin):
    """An edit here changes a person's diary as the app's own forms do, so it moves their data
    version on too (diary/dataversion.py): no cached chart outlives it. The change view and the
    delete views already run in one transaction."""

    @staticmethod
    def owner(obj):
        return obj.user

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        diary_changed(self.owner(obj))

    def delete_model(self, request, obj) -> None:
        owner = self.owner(obj)
        super().delete_model(request, obj)
        diary_changed(owner)

    def delete_queryset(self, request, queryset) -> None:
        owners = {self.owner(obj) for obj in queryset}
        super().delete_queryset(request, queryset)
        for owner in owners:
            diary_changed(owner)


@admin.register(Profile)
class ProfileAdmin(DiaryAdmin):
    list_display = ["user", "time_zone"]
    search_fields = ["user__username"]


@admin.register(Medication)
class MedicationAdmin(DiaryAdmin):
    list_display = ["name", "user", "kind", "started_on", "stopped_on"]
    list_filter = ["kind"]
    search_fields = ["name", "user__username"]


@admin.register(Episode)
class EpisodeAdmin(DiaryAdmin):
    list_display = ["started_at", "user", "muscle", "side", "intensity", "kind"]
    list_filter = ["muscle", "kind"]
    date_hierarchy = "started_at"
    search_fields = ["user__username"]


@admin.register(CheckIn)
class CheckInAdmin(DiaryAdmin):
    list_display = ["date", "user", "water_ml", "sleep_hours", "stress"]
    date_hierarchy = "date"
    search_fields = ["user__username"]
    filter_horizontal = ["medications_taken"]


@admin.register(CustomFactor)
class CustomFactorAdmin(DiaryAdmin):
    list_display = ["name", "user", "kind", "threshold"]
    list_filter = ["kind"]
    search_fields = ["name", "user__username"]


@admin.register(CustomAnswer)
class CustomAnswerAdmin(DiaryAdmin):
    list_display = ["checkin", "factor", "value"]

    @staticmethod
    def owner(obj):
        return obj.checkin.user

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


@admin.register(ReminderSent)
class ReminderSentAdmin(admin.ModelAdmin):
    list_display = ["date", "user", "sent_at"]
    date_hierarchy = "date"
    search_fields = ["user__username"]
