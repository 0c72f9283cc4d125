from django.urls import path

from kb import api, views

app_name = "kb"
urlpatterns = [
    # authoring UI
    path("kb/", views.tree_list, name="list"),
    path("kb/new", views.tree_new, name="new"),
    path("kb/import", views.tree_import_upload, name="import"),
    path("kb/review/", views.review_queue, name="review-queue"),
    path("kb/trees/<slug:slug>/", views.editor, name="editor"),
    path("kb/trees/<slug:slug>/lint", views.lint_json, name="lint"),
    path("kb/trees/<slug:slug>/settings", views.tree_settings, name="settings"),
    path("kb/trees/<slug:slug>/nodes/new", views.node_new, name="node-new"),
    path("kb/trees/<slug:slug>/nodes/<slug:key>", views.node_edit, name="node-edit"),
    path("kb/trees/<slug:slug>/nodes/<slug:key>/delete", views.node_delete, name="node-delete"),
    path("kb/trees/<slug:slug>/nodes/<slug:key>/choices/new", views.choice_new, name="choice-new"),
    path(
        "kb/trees/<slug:slug>/nodes/<slug:key>/attachments/new",
        views.attachment_new,
        name="attachment-new",
    ),
    path("kb/trees/<slug:slug>/choices/<int:choice_id>", views.choice_edit, name="choice-edit"),
    path(
        "kb/trees/<slug:slug>/choices/<int:choice_id>/delete",
        views.choice_delete,
        name="choice-delete",
    ),
    path(
        "kb/trees/<slug:slug>/choices/<int:choice_id>/move", views.choice_move, name="choice-move"
    ),
    path(
        "kb/trees/<slug:slug>/attachments/<int:attachment_id>/delete",
        views.attachment_delete,
        name="attachment-delete",
    ),
    path("kb/trees/<slug:slug>/submit", views.tree_submit, name="submit"),
    path("kb/trees/<slug:slug>/withdraw", views.tree_withdraw, name="withdraw"),
    path("kb/trees/<slug:slug>/review", views.review, name="review"),
    path("kb/trees/<slug:slug>/publish", views.tree_publish, name="publish"),
    path("kb/trees/<slug:slug>/send-back", views.tree_send_back, name="send-back"),
    path("kb/trees/<slug:slug>/history", views.history, name="history"),
    path("kb/trees/<slug:slug>/diff", views.diff, name="diff"),
    path("kb/trees/<slug:slug>/rollback", views.tree_rollback, name="rollback"),
    path("kb/trees/<slug:slug>/export.yml", views.export_yaml, name="export"),
    path("kb/trees/<slug:slug>/preview", views.preview, name="preview"),
    # JSON: public search, and the internal API of the bot's actions (service token)
    path("api/kb/search", api.public_search, name="api-search"),
    path("internal/api/v1/kb/search", api.internal_search, name="internal-search"),
    path("internal/api/v1/kb/trees/<slug:slug>", api.internal_node, name="internal-root"),
    path(
        "internal/api/v1/kb/trees/<slug:slug>/nodes/<slug:key>",
        api.internal_node,
        name="internal-node",
    ),
    path(
        "internal/api/v1/kb/trees/<slug:slug>/nodes/<slug:key>/match",
        api.internal_match,
        name="internal-match",
    ),
    path(
        "internal/api/v1/kb/trees/<slug:slug>/nodes/<slug:key>/counters",
        api.internal_counters,
        name="internal-counters",
    ),
]
