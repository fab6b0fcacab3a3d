"""Every write to departments, employees and roles. Each function is one use case, runs in
one transaction and records itself in the audit log."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from core.audit import AuditChange, audit_record, audit_record_many, diff
from core.roles import Role
from people.identity import (
    mask_national_id,
    national_id_birth_date,
    national_id_error,
    normalize_national_id,
    normalize_phone,
    phone_is_valid,
)
from people.models import PATH_SEPARATOR, Department, Employee
from people.names import is_invisible_only, normalize_name
from people.roster import COLUMNS as ROSTER_COLUMNS
from people.roster import RosterError, roster_parse

User = get_user_model()

MIN_INITIAL_PASSWORD_LENGTH = 6


# Departments -------------------------------------------------------------------------------


def _clean_department_name(name: str) -> str:
    raw, name = name, normalize_name(name)
    if not name:
        if is_invisible_only(raw):
            raise ValidationError(
                {"name": [_("The department name has no visible characters: type a real name.")]}
            )
        raise ValidationError({"name": [_("A department needs a name.")]})
    if PATH_SEPARATOR in name:
        raise ValidationError(
            {"name": [_("A department name may not contain “%s”.") % PATH_SEPARATOR]}
        )
    if len(name) > 100:
        raise ValidationError({"name": [_("A department name has at most 100 characters.")]})
    return name


def _department_path(name: str, parent: Department | None) -> str:
    return f"{parent.path}{PATH_SEPARATOR}{name}" if parent else name


def _ensure_path_free(path: str, exclude_pk: int | None = None) -> None:
    taken = Department.objects.filter(path=path)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise ValidationError({"name": [_("The department “%s” already exists.") % path]})


@transaction.atomic
def department_create(*, actor, name: str, parent: Department | None = None) -> Department:
    """Create a department under ``parent`` (or at the top). Refuses an empty name, a name
    with a slash and a name its parent already has."""
    name = _clean_department_name(name)
    path = _department_path(name, parent)
    _ensure_path_free(path)
    department = Department.objects.create(name=name, parent=parent, path=path)
    audit_record(
        actor=actor,
        action="department.created",
        target=department,
        after={"name": name, "parent": parent.pk if parent else None, "path": path},
    )
    return department


@transaction.atomic
def department_update(
    *, actor, department: Department, name: str, parent: Department | None
) -> Department:
    """Rename or move a department; the full names of all its sub-departments follow.
    Refuses to move a department under itself or one of its own sub-departments."""
    department = Department.objects.select_for_update().get(pk=department.pk)
    name = _clean_department_name(name)
    if parent is not None and (
        parent.pk == department.pk or parent.path.startswith(department.path + PATH_SEPARATOR)
    ):
        raise ValidationError(
            {"parent": [_("A department cannot be placed under itself or its own sub-department.")]}
        )
    old_path = department.path
    new_path = _department_path(name, parent)
    before = {"name": department.name, "parent": department.parent_id, "path": old_path}
    if new_path != old_path:
        _ensure_path_free(new_path, exclude_pk=department.pk)
    department.name, department.parent, department.path = name, parent, new_path
    department.save(update_fields=["name", "parent", "path"])
    if new_path != old_path:
        descendants = list(Department.objects.filter(path__startswith=old_path + PATH_SEPARATOR))
        for child in descendants:
            child.path = new_path + child.path[len(old_path) :]
        Department.objects.bulk_update(descendants, ["path"])
    after = {"name": name, "parent": parent.pk if parent else None, "path": new_path}
    changed_before, changed_after = diff(before, after)
    if changed_after:
        audit_record(
            actor=actor,
            action="department.updated",
            target=department,
            before=changed_before,
            after=changed_after,
        )
    return department


@transaction.atomic
def department_delete(*, actor, department: Department) -> None:
    """Delete an empty department. Refuses one that still has sub-departments or employees."""
    if department.children.exists():
        raise ValidationError(_("“%s” still has sub-departments.") % department.path)
    if department.employees.exists():
        raise ValidationError(_("“%s” still has employees.") % department.path)
    audit_record(
        actor=actor,
        action="department.deleted",
        target=department,
        before={"name": department.name, "parent": department.parent_id, "path": department.path},
    )
    department.delete()


def department_path_parts(path: str) -> list[str]:
    """Split ``Works / Ironmaking/Blast furnace`` into clean names (see
    ``people.names.normalize_name``); empty and invisible parts are dropped."""
    parts = (normalize_name(part) for part in (path or "").split(PATH_SEPARATOR))
    return [part for part in parts if part]


@transaction.atomic
def department_ensure_path(*, actor, path: str) -> Department:
    """The department with this full name, creating it and any missing parents."""
    parts = department_path_parts(path)
    if not parts:
        raise ValidationError({"department": [_("A department path is required.")]})
    parent = None
    for depth in range(1, len(parts) + 1):
        full = PATH_SEPARATOR.join(parts[:depth])
        existing = Department.objects.filter(path=full).first()
        parent = existing or department_create(actor=actor, name=parts[depth - 1], parent=parent)
    return parent


# Employees ---------------------------------------------------------------------------------


def roles_clean(roles: Iterable[str]) -> list[str]:
    """Known role names, de-duplicated in the order of ``Role``; refuses unknown names."""
    roles = {str(role).strip() for role in roles if str(role).strip()}
    unknown = sorted(roles - set(Role.values))
    if unknown:
        raise ValidationError({"roles": [_("Unknown role: %s.") % ", ".join(unknown)]})
    return [role for role in Role.values if role in roles]


def role_groups(roles: Iterable[str]) -> list[Group]:
    """The groups of the given role names (created by the people migration)."""
    return list(Group.objects.filter(name__in=list(roles)))


def _employee_fields_clean(
    *, employee_no: str, name: str, phone: str, national_id: str, position: str
) -> dict:
    errors: dict[str, list[str]] = {}
    employee_no = (employee_no or "").strip()
    raw_name, name = name, normalize_name(name)
    phone = normalize_phone(phone or "")
    national_id = normalize_national_id(national_id or "")
    if not employee_no:
        errors["employee_no"] = [_("An employee number is required.")]
    elif len(employee_no) > 32:
        errors["employee_no"] = [_("An employee number has at most 32 characters.")]
    if not name and is_invisible_only(raw_name):
        errors["name"] = [_("The name has no visible characters: type the person's real name.")]
    elif not name:
        errors["name"] = [_("A name is required.")]
    elif len(name) > 100:
        errors["name"] = [_("A name has at most 100 characters.")]
    if phone and not phone_is_valid(phone):
        errors["phone"] = [_("“%s” is not a phone number.") % phone]
    if national_id:
        problem = national_id_error(national_id)
        if problem:
            errors["national_id"] = [_("The national ID %s.") % problem]
    if errors:
        raise ValidationError(errors)
    return {
        "employee_no": employee_no,
        "name": name,
        "phone": phone,
        "national_id": national_id,
        "position": (position or "").strip()[:100],
    }


def _employee_snapshot(employee: Employee, roles: list[str] | None = None) -> dict:
    return {
        "employee_no": employee.employee_no,
        "name": employee.name,
        "department": employee.department.path,
        "position": employee.position,
        "phone": employee.phone,
        "national_id": employee.national_id_masked,
        "active": employee.user.is_active,
        "roles": roles if roles is not None else employee_roles(employee),
    }


def employee_roles(employee: Employee) -> list[str]:
    names = {group.name for group in employee.user.groups.all()}
    return [role for role in Role.values if role in names]


@transaction.atomic
def employee_create(
    *,
    actor,
    employee_no: str,
    name: str,
    department: Department,
    position: str = "",
    phone: str = "",
    national_id: str = "",
    roles: Iterable[str] = (Role.TRAINEE,),
    username: str = "",
    password: str = "",
    must_change_password: bool = True,
) -> Employee:
    """Create an employee and the login user. The user name defaults to the employee number;
    without a password the account cannot sign in until one is set. Refuses a taken employee
    number or user name, a bad phone number and a national ID with a wrong check digit."""
    fields = _employee_fields_clean(
        employee_no=employee_no, name=name, phone=phone, national_id=national_id, position=position
    )
    roles = roles_clean(roles)
    username = (username or fields["employee_no"]).strip()
    errors = {}
    if Employee.objects.filter(employee_no=fields["employee_no"]).exists():
        errors["employee_no"] = [_("Employee number %s is taken.") % fields["employee_no"]]
    if User.objects.filter(username=username).exists():
        errors["username"] = [_("User name %s is taken.") % username]
    if password and len(password) < MIN_INITIAL_PASSWORD_LENGTH:
        errors["password"] = [
            _("A password has at least %d characters.") % MIN_INITIAL_PASSWORD_LENGTH
        ]
    if errors:
        raise ValidationError(errors)
    user = User(username=username, first_name=fields["name"][:150])
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    user.groups.set(role_groups(roles))
    employee = Employee.objects.create(
        user=user,
        department=department,
        birth_date=national_id_birth_date(fields["national_id"]) if fields["national_id"] else None,
        must_change_password=must_change_password and bool(password),
        **fields,
    )
    audit_record(
        actor=actor,
        action="employee.created",
        target=employee,
        after=_employee_snapshot(employee, roles),
    )
    return employee


def _lock_management_roles() -> None:
    # Changes that could remove the last safety officer or admin take this one lock, so two
    # officers deactivating each other at the same moment cannot both see the other still
    # active and leave nobody (SQLite serialises writers anyway).
    # FOR NO KEY UPDATE: adding someone to a group (a key share on its row) is not held up.
    locked = Group.objects.select_for_update(no_key=True).filter(name=Role.SAFETY_OFFICER)
    list(locked.values_list("pk"))


def _others_active(*, exclude_user_ids: Iterable[int], **filters) -> bool:
    return User.objects.filter(is_active=True, **filters).exclude(pk__in=exclude_user_ids).exists()


def _ensure_people_stay_managed(
    *, actor, employee: Employee, roles_before: list[str], active: bool, roles: list[str]
) -> None:
    """Refuse a change that would lock the company out of its own system: deactivating one's
    own account, or taking away the last active safety officer or admin (superuser)."""
    user = employee.user
    if not user.is_active:
        return
    deactivating = not active
    if deactivating and actor is not None and actor.pk == user.pk:
        raise ValidationError(
            {
                "active": [
                    _(
                        "You cannot deactivate your own account. Ask another safety officer "
                        "or an administrator to do it."
                    )
                ]
            }
        )
    losing_officer = Role.SAFETY_OFFICER in roles_before and (
        deactivating or Role.SAFETY_OFFICER not in roles
    )
    losing_admin = user.is_superuser and deactivating
    if not (losing_officer or losing_admin):
        return
    _lock_management_roles()
    if losing_officer and not _others_active(
        exclude_user_ids=[user.pk], groups__name=Role.SAFETY_OFFICER
    ):
        raise ValidationError(
            {
                "active" if deactivating else "roles": [
                    _(
                        "%(employee)s is the only active safety officer. Give another active "
                        "employee the safety officer role first."
                    )
                    % {"employee": employee.name}
                ]
            }
        )
    if losing_admin and not _others_active(exclude_user_ids=[user.pk], is_superuser=True):
        raise ValidationError(
            {
                "active": [
                    _("%(employee)s is the only active administrator and cannot be deactivated.")
                    % {"employee": employee.name}
                ]
            }
        )


@transaction.atomic
def employee_update(
    *,
    actor,
    employee: Employee,
    employee_no: str | None = None,
    name: str | None = None,
    department: Department | None = None,
    position: str | None = None,
    phone: str | None = None,
    national_id: str | None = None,
    active: bool | None = None,
    roles: Iterable[str] | None = None,
) -> Employee:
    """Change an employee's record; arguments left as None stay as they are. Role changes
    and the active flag are audited with the rest. Refuses what ``employee_create`` refuses,
    deactivating the actor's own account, and removing the last active safety officer (by
    deactivating or by taking the role away) or the last active administrator."""
    employee = (
        # Only the employee's row: locking the user's row too would make two officers
        # deactivating each other deadlock (each audit row's actor is the other's user).
        Employee.objects.select_for_update(of=("self",))
        .select_related("user", "department")
        .get(pk=employee.pk)
    )
    before = _employee_snapshot(employee)
    fields = _employee_fields_clean(
        employee_no=employee.employee_no if employee_no is None else employee_no,
        name=employee.name if name is None else name,
        phone=employee.phone if phone is None else phone,
        national_id=employee.national_id if national_id is None else national_id,
        position=employee.position if position is None else position,
    )
    if (
        fields["employee_no"] != employee.employee_no
        and Employee.objects.filter(employee_no=fields["employee_no"]).exists()
    ):
        raise ValidationError(
            {"employee_no": [_("Employee number %s is taken.") % fields["employee_no"]]}
        )
    new_roles = before["roles"] if roles is None else roles_clean(roles)
    _ensure_people_stay_managed(
        actor=actor,
        employee=employee,
        roles_before=before["roles"],
        active=employee.user.is_active if active is None else active,
        roles=new_roles,
    )
    for name_, value in fields.items():
        setattr(employee, name_, value)
    if department is not None:
        employee.department = department
    employee.birth_date = (
        national_id_birth_date(fields["national_id"])
        if fields["national_id"]
        else employee.birth_date
    )
    employee.save(
        update_fields=[*fields, "department", "birth_date", "updated_at"],
    )
    user_fields = []
    if employee.user.first_name != fields["name"][:150]:
        employee.user.first_name = fields["name"][:150]
        user_fields.append("first_name")
    if active is not None and employee.user.is_active != active:
        employee.user.is_active = active
        user_fields.append("is_active")
    if user_fields:
        employee.user.save(update_fields=user_fields)
    if new_roles != before["roles"]:
        employee.user.groups.set(role_groups(new_roles))
    changed_before, changed_after = diff(before, _employee_snapshot(employee, new_roles))
    if changed_after:
        action = "employee.roles_changed" if set(changed_after) == {"roles"} else "employee.updated"
        audit_record(
            actor=actor,
            action=action,
            target=employee,
            before=changed_before,
            after=changed_after,
        )
    return employee


def employee_set_roles(*, actor, employee: Employee, roles: Iterable[str]) -> Employee:
    """Give the employee exactly ``roles``; audited as ``employee.roles_changed``."""
    return employee_update(actor=actor, employee=employee, roles=roles)


def employee_deactivate(*, actor, employee: Employee) -> Employee:
    """Stop the employee signing in; the record and its history stay."""
    return employee_update(actor=actor, employee=employee, active=False)


@transaction.atomic
def user_password_changed(*, user) -> None:
    """After the user chose a password of their own (the page's form or
    ``user_password_change``): clear the "must change password" mark, delete the user's API
    tokens (one issued with the old password, which others may have known, must not outlive
    it) and record the change in the audit log, never the password."""
    employee = Employee.objects.filter(user=user).first()
    was_required = bool(employee and employee.must_change_password)
    if was_required:
        Employee.objects.filter(pk=employee.pk).update(must_change_password=False)
    tokens = Token.objects.filter(user=user).delete()[0]
    audit_record(
        actor=user,
        action="employee.password_changed" if employee else "user.password_changed",
        target=employee or user,
        before={"must_change_password": was_required},
        after={"must_change_password": False, "api_tokens_deleted": tokens},
    )


@transaction.atomic
def user_password_change(
    *, user, old_password: str, new_password: str, issue_token: bool = False
) -> str | None:
    """Change the caller's own password: ``old_password`` must be the current one, and
    ``new_password`` must pass the project's password validators and differ from it. Then as
    ``user_password_changed``; with ``issue_token`` a fresh API token replaces the deleted
    ones and its key is returned (the caller signed in with a token keeps working)."""
    if not user.check_password(old_password or ""):
        raise ValidationError({"old_password": [_("The current password is not right.")]})
    errors = []
    if new_password == old_password:
        errors.append(_("The new password must differ from the current one."))
    try:
        password_validation.validate_password(new_password or "", user)
    except ValidationError as error:
        errors.extend(error.messages)
    if errors:
        raise ValidationError({"new_password": errors})
    user.set_password(new_password)
    user.save(update_fields=["password"])
    user_password_changed(user=user)
    if issue_token:
        return Token.objects.create(user=user).key
    return None


# Roster import -----------------------------------------------------------------------------


@dataclass
class RosterImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RosterError] = field(default_factory=list)
    dry_run: bool = False

    def as_dict(self) -> dict:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "dry_run": self.dry_run,
            "errors": [error.as_dict() for error in self.errors],
        }


def _departments_for_paths(*, actor, paths: set[str]) -> dict[str, Department]:
    """The departments of every path, creating the missing ones parents first."""
    wanted: set[str] = set()
    for path in paths:
        parts = path.split(PATH_SEPARATOR)
        wanted.update(PATH_SEPARATOR.join(parts[:depth]) for depth in range(1, len(parts) + 1))
    by_path = {d.path: d for d in Department.objects.filter(path__in=wanted)}
    for path in sorted(wanted - set(by_path), key=lambda p: p.count(PATH_SEPARATOR)):
        parent_path, _sep, name = path.rpartition(PATH_SEPARATOR)
        by_path[path] = department_create(
            actor=actor, name=name, parent=by_path[parent_path] if parent_path else None
        )
    return by_path


@transaction.atomic
def roster_import(
    *, actor, data: bytes, filename: str = "", dry_run: bool = False
) -> RosterImportResult:
    """Create or update employees from a roster workbook, all or nothing.

    Every row is checked first (``people.roster.roster_parse``); with any error nothing is
    written and the errors name row, column and reason. Known employee numbers are updated
    (name, department, position, phone, national ID, and roles when the file gives them);
    their passwords are left alone. New employees get the initial password and must change
    it at first sign-in. Missing departments are created. Re-importing the same file changes
    nothing. Refused (an error on each row concerned) when the file would take the safety
    officer role from every active safety officer. ``dry_run`` checks and counts, then rolls
    everything back.
    """
    parsed = roster_parse(data)
    result = RosterImportResult(errors=parsed.errors, dry_run=dry_run)
    if parsed.errors:
        return result
    departments = _departments_for_paths(actor=actor, paths={row.department for row in parsed.rows})
    existing = {
        e.employee_no: e
        for e in Employee.objects.select_related("user", "department").filter(
            employee_no__in=[row.employee_no for row in parsed.rows]
        )
    }
    groups = {group.name: group for group in role_groups(Role.values)}
    roles_by_user: dict[int, list[str]] = {}
    memberships = User.groups.through.objects.filter(
        user_id__in=[e.user_id for e in existing.values()], group__name__in=Role.values
    ).values_list("user_id", "group__name")
    for user_id, name in memberships:
        roles_by_user.setdefault(user_id, []).append(name)

    changes: list[AuditChange] = []
    new_rows = [row for row in parsed.rows if row.employee_no not in existing]
    # Hash each distinct initial password once: PBKDF2 costs ~0.3 s a call, so hashing per
    # row would make a 5,000-row import take half an hour. Every new account must change its
    # password at first sign-in, which replaces the shared hash with a freshly salted one.
    hashes = {password: make_password(password) for password in {r.password for r in new_rows}}
    new_users = [
        User(username=row.employee_no, first_name=row.name[:150], password=hashes[row.password])
        for row in new_rows
    ]
    User.objects.bulk_create(new_users, batch_size=500)
    user_ids = dict(
        User.objects.filter(username__in=[row.employee_no for row in new_rows]).values_list(
            "username", "id"
        )
    )
    new_employees = [
        Employee(
            user_id=user_ids[row.employee_no],
            employee_no=row.employee_no,
            name=row.name,
            department=departments[row.department],
            position=row.position,
            phone=row.phone,
            national_id=row.national_id,
            birth_date=national_id_birth_date(row.national_id) if row.national_id else None,
            must_change_password=True,
        )
        for row in new_rows
    ]
    Employee.objects.bulk_create(new_employees, batch_size=500)
    new_memberships = [
        User.groups.through(user_id=user_ids[row.employee_no], group_id=groups[role].pk)
        for row in new_rows
        for role in (row.roles or [Role.TRAINEE])
    ]
    created_by_no = {
        e.employee_no: e
        for e in Employee.objects.select_related("department").filter(
            employee_no__in=[row.employee_no for row in new_rows]
        )
    }
    for row in new_rows:
        employee = created_by_no[row.employee_no]
        changes.append(
            AuditChange(
                "employee.created",
                employee,
                after={
                    "employee_no": row.employee_no,
                    "name": row.name,
                    "department": row.department,
                    "position": row.position,
                    "phone": row.phone,
                    "national_id": employee.national_id_masked,
                    "roles": row.roles or [Role.TRAINEE],
                },
                note=_("roster import"),
            )
        )

    changed_employees, changed_users, dropped_memberships = [], [], []
    updated = 0
    demoted_officers: list = []
    demoted_user_ids: list[int] = []
    officers_gained = any(Role.SAFETY_OFFICER in (row.roles or []) for row in new_rows)
    for row in parsed.rows:
        employee = existing.get(row.employee_no)
        if employee is None:
            continue
        old_roles = [r for r in Role.values if r in roles_by_user.get(employee.user_id, [])]
        before = {
            "name": employee.name,
            "department": employee.department.path,
            "position": employee.position,
            "phone": employee.phone,
            "national_id": employee.national_id,
            "roles": old_roles,
        }
        after = {
            "name": row.name,
            "department": row.department,
            "position": row.position,
            "phone": row.phone,
            "national_id": row.national_id or employee.national_id,
            "roles": row.roles if row.roles is not None else old_roles,
        }
        changed_before, changed_after = diff(before, after)
        if not changed_after:
            continue
        updated += 1
        employee.name = row.name
        employee.department = departments[row.department]
        employee.position = row.position
        employee.phone = row.phone
        if row.national_id:
            employee.national_id = row.national_id
            employee.birth_date = national_id_birth_date(row.national_id)
        changed_employees.append(employee)
        if employee.user.first_name != row.name[:150]:
            employee.user.first_name = row.name[:150]
            changed_users.append(employee.user)
        if "roles" in changed_after and employee.user.is_active:
            officer_before = Role.SAFETY_OFFICER in old_roles
            officer_after = Role.SAFETY_OFFICER in after["roles"]
            if officer_before and not officer_after:
                demoted_officers.append(row)
                demoted_user_ids.append(employee.user_id)
            officers_gained |= officer_after and not officer_before
        if "roles" in changed_after:
            dropped_memberships.append(employee.user_id)
            new_memberships.extend(
                User.groups.through(user_id=employee.user_id, group_id=groups[role].pk)
                for role in after["roles"]
            )
        for values in (changed_before, changed_after):
            if "national_id" in values:
                values["national_id"] = mask_national_id(values["national_id"])
        action = "employee.roles_changed" if set(changed_after) == {"roles"} else "employee.updated"
        changes.append(
            AuditChange(action, employee, changed_before, changed_after, note=_("roster import"))
        )
    if demoted_officers and not officers_gained:
        _lock_management_roles()
        if not _others_active(exclude_user_ids=demoted_user_ids, groups__name=Role.SAFETY_OFFICER):
            # Nothing is written: the rows created above roll back with the rest.
            for row in demoted_officers:
                result.errors.append(
                    RosterError(
                        row.row,
                        str(ROSTER_COLUMNS["roles"]),
                        _(
                            "This takes the safety officer role from %(name)s, and no other "
                            "active safety officer would be left. Keep the role here or give "
                            "it to someone else in the same file."
                        )
                        % {"name": row.name},
                    )
                )
            transaction.set_rollback(True)
            return result
    Employee.objects.bulk_update(
        changed_employees,
        ["name", "department", "position", "phone", "national_id", "birth_date"],
        batch_size=500,
    )
    User.objects.bulk_update(changed_users, ["first_name"], batch_size=500)
    User.groups.through.objects.filter(
        user_id__in=dropped_memberships, group__name__in=Role.values
    ).delete()
    User.groups.through.objects.bulk_create(new_memberships, batch_size=1000)

    result.created = len(new_rows)
    result.updated = updated
    result.unchanged = len(parsed.rows) - len(new_rows) - updated
    changes.append(
        AuditChange(
            "roster.imported",
            None,
            after={"created": result.created, "updated": result.updated, "file": filename},
        )
    )
    audit_record_many(actor=actor, changes=changes)
    if dry_run:
        transaction.set_rollback(True)
    return result


@transaction.atomic
def employee_password_reset(*, actor, employee: Employee, password: str) -> Employee:
    """Set a new password chosen by an officer (a forgotten password, an account created
    without one). The employee must change it at the next sign-in; their API tokens are
    deleted; the audit log records that it happened, never the password."""
    if len(password or "") < MIN_INITIAL_PASSWORD_LENGTH:
        raise ValidationError(
            {
                "password": [
                    _("A password has at least %d characters.") % MIN_INITIAL_PASSWORD_LENGTH
                ]
            }
        )
    employee = Employee.objects.select_for_update().select_related("user").get(pk=employee.pk)
    employee.user.set_password(password)
    employee.user.save(update_fields=["password"])
    employee.must_change_password = True
    employee.save(update_fields=["must_change_password", "updated_at"])
    # A token issued under the old password must not outlive it.
    Token.objects.filter(user=employee.user).delete()
    audit_record(actor=actor, action="employee.password_reset", target=employee)
    return employee
