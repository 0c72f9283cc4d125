"""Operator roles as Django groups, with the permissions each one carries.

Team membership (crm.TeamMembership) says *which* conversations an operator works
on; the role groups say *what* they may do (agent_console.use_console opens the
operator console). `roles_sync()` (run by load_demo) creates the groups.
"""

OPERATOR_L1 = "operator_l1"
OPERATOR_L2 = "operator_l2"
KB_AUTHOR = "kb_author"
KB_REVIEWER = "kb_reviewer"
SUPERVISOR = "supervisor"

# group → (app_label, codename) permissions
ROLE_PERMISSIONS: dict[str, list[tuple[str, str]]] = {
    OPERATOR_L1: [
        ("crm", "view_customer"),
        ("crm", "change_customer"),
        ("crm", "view_conversation"),
        ("crm", "view_ticket"),
        ("crm", "change_ticket"),
        ("crm", "add_phonenote"),
        ("crm", "view_phonenote"),
        ("shop", "view_product"),
        ("shop", "view_order"),
        ("shop", "add_order"),
        ("agent_console", "use_console"),
        ("agent_console", "view_cannedresponse"),
    ],
    OPERATOR_L2: [
        ("crm", "view_customer"),
        ("crm", "change_customer"),
        ("crm", "view_conversation"),
        ("crm", "view_ticket"),
        ("crm", "change_ticket"),
        ("crm", "add_phonenote"),
        ("crm", "view_phonenote"),
        ("shop", "view_product"),
        ("shop", "view_order"),
        ("shop", "add_order"),
        ("shop", "change_order"),
        ("agent_console", "use_console"),
        ("agent_console", "view_cannedresponse"),
    ],
    KB_AUTHOR: [("kb", "view_tree"), ("kb", "add_tree"), ("kb", "change_tree")],
    KB_REVIEWER: [("kb", "view_tree"), ("kb", "change_tree"), ("kb", "publish_tree")],
    SUPERVISOR: [
        ("crm", "view_customer"),
        ("crm", "view_conversation"),
        ("crm", "view_ticket"),
        ("crm", "view_phonenote"),
        ("crm", "view_team"),
        ("crm", "change_team"),
        ("crm", "view_teammembership"),
        ("crm", "change_teammembership"),
        ("shop", "view_order"),
        ("shop", "view_product"),
        ("agent_console", "use_console"),
        ("agent_console", "view_cannedresponse"),
        ("agent_console", "add_cannedresponse"),
        ("agent_console", "change_cannedresponse"),
    ],
}


def roles_sync() -> None:
    """Create the role groups and give them exactly their permissions (idempotent)."""
    from django.contrib.auth.models import Group, Permission

    for group_name, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        wanted = [
            Permission.objects.get(content_type__app_label=app, codename=codename)
            for app, codename in perms
        ]
        group.permissions.set(wanted)
