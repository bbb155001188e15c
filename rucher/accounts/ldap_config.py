"""django-auth-ldap's settings (AUTH_LDAP_*) built from RUCHER_LDAP_* (docs/operations.md,
"LDAP / Active Directory"): rucher.settings calls `ldap_settings(os.environ)` when
RUCHER_LDAP_SERVER_URI is set; the tests call it with their own slapd's values."""

from collections.abc import Mapping
from typing import Any

GROUP_TYPES = {
    "groupOfNames": "GroupOfNamesType",
    "groupOfUniqueNames": "GroupOfUniqueNamesType",
    "posixGroup": "PosixGroupType",
    "activeDirectory": "ActiveDirectoryGroupType",
    "nestedActiveDirectory": "NestedActiveDirectoryGroupType",
}


def community_groups(value: str) -> dict[str, str]:
    """`DN|slug;DN|slug` (DNs hold commas and equals signs) → {lower-case DN: slug}."""
    mapping: dict[str, str] = {}
    for pair in value.split(";"):
        dn, _sep, slug = pair.rpartition("|")
        if dn.strip() and slug.strip():
            mapping[dn.strip().lower()] = slug.strip()
    return mapping


def ldap_settings(env: Mapping[str, str]) -> dict[str, Any]:
    import ldap
    from django_auth_ldap import config

    def get(name: str, default: str = "") -> str:
        return str(env.get(f"RUCHER_LDAP_{name}", default) or default)

    result: dict[str, Any] = {
        "AUTH_LDAP_SERVER_URI": get("SERVER_URI"),
        "AUTH_LDAP_BIND_DN": get("BIND_DN"),
        "AUTH_LDAP_BIND_PASSWORD": get("BIND_PASSWORD"),
        "AUTH_LDAP_START_TLS": get("START_TLS", "false").lower() in ("1", "true", "yes", "on"),
        "AUTH_LDAP_USER_SEARCH": config.LDAPSearch(
            get("USER_SEARCH_BASE"), ldap.SCOPE_SUBTREE, get("USER_FILTER", "(uid=%(user)s)")
        ),
        "AUTH_LDAP_USER_ATTR_MAP": {
            field: attribute
            for field, attribute in (
                ("display_name", get("ATTR_NAME", "cn")),
                ("email", get("ATTR_EMAIL", "mail")),
                ("department", get("ATTR_DEPARTMENT", "departmentNumber")),
                ("site", get("ATTR_SITE", "l")),
                ("job_title", get("ATTR_JOB_TITLE", "title")),
            )
            if attribute
        },
        "AUTH_LDAP_ALWAYS_UPDATE_USER": True,
        # A directory that does not answer within this many seconds is down: the local
        # break-glass sign-in goes on (the local backend is tried first).
        "AUTH_LDAP_CONNECTION_OPTIONS": {
            ldap.OPT_NETWORK_TIMEOUT: int(get("TIMEOUT", "5")),
            ldap.OPT_TIMEOUT: int(get("TIMEOUT", "5")),
            ldap.OPT_REFERRALS: 0,
        },
        "RUCHER_LDAP_COMMUNITY_GROUPS": community_groups(get("COMMUNITY_GROUPS")),
        "RUCHER_LDAP_ADMIN_GROUP": get("ADMIN_GROUP"),
    }
    group_base = get("GROUP_SEARCH_BASE")
    if group_base:
        group_type = GROUP_TYPES.get(get("GROUP_TYPE", "groupOfNames"), "GroupOfNamesType")
        result["AUTH_LDAP_GROUP_SEARCH"] = config.LDAPSearch(
            group_base, ldap.SCOPE_SUBTREE, get("GROUP_FILTER", "(objectClass=*)")
        )
        result["AUTH_LDAP_GROUP_TYPE"] = getattr(config, group_type)()
        admin_group = get("ADMIN_GROUP")
        if admin_group:
            result["AUTH_LDAP_USER_FLAGS_BY_GROUP"] = {
                "is_staff": admin_group,
                "is_superuser": admin_group,
            }
    return result
