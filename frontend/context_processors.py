from core.roles import Role, user_roles


def navigation(request):
    """The caller's roles, for the navigation to show each role what it may use."""
    roles = user_roles(getattr(request, "user", None))
    return {
        "roles": roles,
        "is_trainee": Role.TRAINEE in roles,
        "is_instructor": Role.INSTRUCTOR in roles,
        "is_safety_officer": Role.SAFETY_OFFICER in roles,
        "is_hr": Role.HR in roles,
    }
