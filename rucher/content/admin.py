"""Administration of content (administrators only): find, inspect and remove."""

from django.contrib import admin

from rucher.content.models import Attachment, Comment, Post, Tag


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ("id", "kind", "title", "author", "created_at", "like_count", "comment_count")
    list_filter = ("kind", "must_read")
    search_fields = ("title", "body", "author__username")
    raw_id_fields = ("author", "hidden_by")
    readonly_fields = ("body_html", "like_count", "comment_count", "hidden_at")


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ("id", "post", "author", "created_at", "like_count")
    search_fields = ("body", "author__username")
    raw_id_fields = ("post", "parent", "author", "hidden_by")


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("slug", "name")
    search_fields = ("slug",)


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ("id", "name", "content_type", "size", "uploader", "created_at")
    raw_id_fields = ("uploader", "post", "comment")
