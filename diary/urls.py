from django.urls import path, register_converter

from diary.converters import AnyIsoDateConverter, IsoDateConverter
from diary.views import (
    checkins,
    episodes,
    factors,
    home,
    insights,
    nights,
    portability,
    profile,
    reminders,
    report,
    sharing,
)

register_converter(IsoDateConverter, "isodate")
register_converter(AnyIsoDateConverter, "anydate")

app_name = "diary"

urlpatterns = [
    path("", home.home, name="home"),
    path("episodes/", episodes.episode_list, name="episode_list"),
    path("episodes/quick/", episodes.quick_log, name="quick_log"),
    path("episodes/new/", episodes.episode_new, name="episode_new"),
    path("episodes/<int:pk>/", episodes.episode_detail, name="episode_detail"),
    path("episodes/<int:pk>/over/", episodes.episode_over, name="episode_over"),
    path("episodes/<int:pk>/edit/", episodes.episode_edit, name="episode_edit"),
    path("episodes/<int:pk>/delete/", episodes.episode_delete, name="episode_delete"),
    path("last-night/", nights.last_night, name="last_night"),
    path("checkins/", checkins.checkin_list, name="checkin_list"),
    path("checkins/questions/", checkins.checkin_questions, name="checkin_questions"),
    path("checkins/factors/new/", factors.customfactor_new, name="customfactor_new"),
    path("checkins/factors/<int:pk>/edit/", factors.customfactor_edit, name="customfactor_edit"),
    path(
        "checkins/factors/<int:pk>/delete/",
        factors.customfactor_delete,
        name="customfactor_delete",
    ),
    path("checkins/<isodate:day>/", checkins.checkin_day, name="checkin_day"),
    path("checkins/<anydate:day>/delete/", checkins.checkin_delete, name="checkin_delete"),
    path("account/", profile.account, name="account"),
    path("account/reminders/", reminders.reminder_settings, name="reminder_settings"),
    path("reminders/unsubscribe/<str:token>/", reminders.unsubscribe, name="unsubscribe"),
    path("account/medications/new/", profile.medication_new, name="medication_new"),
    path("account/medications/<int:pk>/edit/", profile.medication_edit, name="medication_edit"),
    path(
        "account/medications/<int:pk>/delete/", profile.medication_delete, name="medication_delete"
    ),
    path("export/diary.json", portability.export_diary, name="export_diary"),
    path(
        "export/episodes.csv",
        portability.export_csv,
        {"table": "episodes"},
        name="export_episodes_csv",
    ),
    path(
        "export/checkins.csv",
        portability.export_csv,
        {"table": "checkins"},
        name="export_checkins_csv",
    ),
    path("import/", portability.import_diary, name="import"),
    path("account/delete/", portability.delete_account, name="delete_account"),
    path("account/delete-data/", portability.delete_data, name="delete_data"),
    path("insights/", insights.dashboard, name="insights"),
    path("insights.json", insights.document_json, name="insights_json"),
    path("insights/charts/<slug:name>.svg", insights.chart, name="insights_chart"),
    path("report/", report.report_page, name="report"),
    path("report.pdf", report.report_pdf, name="report_pdf"),
    path("report/charts/<slug:name>.svg", report.report_chart, name="report_chart"),
    path("report/share/", sharing.share_create, name="share_create"),
    path("account/shares/<int:pk>/revoke/", sharing.share_revoke, name="share_revoke"),
    path("shared/<str:share_token>/", sharing.shared_page, name="shared_report"),
    path("shared/<str:share_token>/report.pdf", sharing.shared_pdf, name="shared_report_pdf"),
    path(
        "shared/<str:share_token>/charts/<slug:name>.svg",
        sharing.shared_chart,
        name="shared_report_chart",
    ),
]
