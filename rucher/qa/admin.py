from django.contrib import admin

from rucher.qa.models import Question, RoutingNotice


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ("post", "asked_at", "due_at", "first_answer_at", "accepted_comment")
    list_select_related = ("post",)
    raw_id_fields = ("post", "first_answer", "accepted_comment", "accepted_by")


@admin.register(RoutingNotice)
class RoutingNoticeAdmin(admin.ModelAdmin):
    list_display = ("question", "person", "stage", "created_at")
    raw_id_fields = ("question", "person")
