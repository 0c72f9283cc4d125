"""Who may do what in the knowledge base (model permissions, given through crm.roles groups).

kb.view_tree      see the KB editor, trees, history and previews
kb.add_tree       create trees, import YAML          (kb_author)
kb.change_tree    edit drafts, submit for review     (kb_author, kb_reviewer)
kb.publish_tree   publish, send back, roll back      (kb_reviewer)
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

User = AbstractBaseUser | AnonymousUser


def can_view(user: User) -> bool:
    return user.is_active and any(
        user.has_perm(f"kb.{codename}") for codename in ("view_tree", "change_tree", "publish_tree")
    )


def can_add(user: User) -> bool:
    return user.is_active and user.has_perm("kb.add_tree")


def can_edit(user: User) -> bool:
    return user.is_active and user.has_perm("kb.change_tree")


def can_publish(user: User) -> bool:
    return user.is_active and user.has_perm("kb.publish_tree")
