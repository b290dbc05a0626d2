"""The project's access policy: who may use which route, with which method, on whose objects.
tests/test_route_policy.py checks it against the URL resolver and against real requests, and
the security probes (tests/security/) walk the same table."""

from __future__ import annotations

from dataclasses import dataclass

from luutru.models import Role

RECEPTIONIST = Role.RECEPTIONIST
OWNER = Role.OWNER
OFFICER = Role.WARD_OFFICER
COMMANDER = Role.WARD_COMMANDER
IMMIGRATION = Role.IMMIGRATION_OFFICER
SPONSOR = Role.SPONSOR
ADMIN = Role.SITE_ADMIN
ROLES = (RECEPTIONIST, OWNER, OFFICER, COMMANDER, IMMIGRATION, SPONSOR, ADMIN)

PUBLIC = None  # no login needed
ANY_USER = frozenset(ROLES)  # any signed-in user
DESK = frozenset({RECEPTIONIST, OWNER})
POLICE = frozenset({OFFICER, COMMANDER})

GET, POST, BOTH = ("GET",), ("POST",), ("GET", "POST")


@dataclass(frozen=True)
class Policy:
    who: frozenset[str] | None  # PUBLIC, ANY_USER or the roles allowed
    methods: tuple[str, ...] = GET
    obj: str | None = None  # what the route's <pk> is: see `objects` below
    # How a signed-in user of another role is turned away, when it is not a plain 403.
    denied: str = "403"
    # Roles turned away only after the object is fetched: the other side's id is a 404 to them.
    fetches_first: frozenset[str] = frozenset()
    # Roles of the row to whom the two sides are alike, with what both get: a sponsor's account
    # applies for neither establishment ("404" for both), the immigration office of Hà Nội
    # serves both wards ("works" for both).
    alike: tuple[tuple[str, str], ...] = ()


def only(*roles: str) -> frozenset[str]:
    return frozenset(roles)


# fmt: off
POLICY: dict[str, Policy] = {
    # --- public pages ---------------------------------------------------------------------------
    "healthz":                          Policy(PUBLIC),
    "privacy":                          Policy(PUBLIC),
    "login":                            Policy(PUBLIC, BOTH),
    "password_reset":                   Policy(PUBLIC, BOTH),
    "password_reset_done":              Policy(PUBLIC),
    "password_reset_confirm":           Policy(PUBLIC, BOTH),
    "password_reset_complete":          Policy(PUBLIC),
    "set_language":                     Policy(PUBLIC, BOTH),
    "establishments:apply":             Policy(PUBLIC, BOTH),
    "establishments:applied":           Policy(PUBLIC),
    "establishments:ward_search":       Policy(PUBLIC),
    "immigration:sponsor_apply":        Policy(PUBLIC, BOTH),
    "immigration:sponsor_applied":      Policy(PUBLIC),
    "immigration:verify":               Policy(PUBLIC),
    "immigration:verify_code":          Policy(PUBLIC),
    # --- any signed-in user ---------------------------------------------------------------------
    "home":                             Policy(ANY_USER),
    "logout":                           Policy(ANY_USER, POST),
    "account":                          Policy(ANY_USER),
    "otp_enrol":                        Policy(ANY_USER, BOTH),
    "otp_verify":                       Policy(ANY_USER, BOTH),
    "otp_backup_codes":                 Policy(ANY_USER, POST),
    "password_change":                  Policy(ANY_USER, BOTH),
    "password_change_done":             Policy(ANY_USER),
    "wards:notifications":              Policy(ANY_USER),
    "wards:notifications_read":         Policy(ANY_USER, POST),
    # Where the admin sends whoever it refuses: on to the admin for its administrators.
    "admin_login_redirect":             Policy(only(ADMIN)),
    # --- the establishment: front desk and owner ------------------------------------------------
    "establishments:desk":              Policy(DESK),
    "guests:desk":                      Policy(DESK),
    "guests:file_foreigner":            Policy(only(RECEPTIONIST), BOTH),
    "guests:file_citizen":              Policy(only(RECEPTIONIST), BOTH),
    "guests:check_out":                 Policy(only(RECEPTIONIST), POST),
    "guests:detail":                    Policy(DESK, GET, "declaration"),
    "guests:correct":                   Policy(only(RECEPTIONIST), BOTH, "declaration",
                                               fetches_first=only(OWNER)),
    "guests:register":                  Policy(DESK),
    "guests:register_close":            Policy(DESK, POST),
    "guests:register_history":          Policy(DESK),
    "guests:register_closing":          Policy(DESK, GET, "register closing"),
    "guests:import":                    Policy(DESK, BOTH),
    "guests:import_template":           Policy(DESK),
    "guests:import_detail":             Policy(DESK, GET, "import batch"),
    "guests:import_progress":           Policy(DESK, GET, "import batch"),
    "wards:my_notices":                 Policy(DESK),
    "wards:my_notice":                  Policy(DESK, GET, "notice"),
    "wards:my_feedback":                Policy(DESK),
    "wards:feedback_new":               Policy(DESK, BOTH),
    "wards:my_feedback_thread":         Policy(DESK, BOTH, "feedback thread"),
    # --- the owner only -------------------------------------------------------------------------
    "establishments:owner_home":        Policy(only(OWNER)),
    "establishments:staff":             Policy(only(OWNER)),
    "establishments:staff_add":         Policy(only(OWNER), POST),
    "establishments:staff_two_factor":  Policy(only(OWNER), POST),
    "establishments:staff_disable":     Policy(only(OWNER), POST, "staff"),
    "establishments:staff_enable":      Policy(only(OWNER), POST, "staff"),
    "establishments:staff_reset_password": Policy(only(OWNER), POST, "staff"),
    "establishments:staff_reset_second_factor": Policy(only(OWNER), POST, "staff"),
    "guests:audit":                     Policy(only(OWNER)),
    "guests:audit_summary":             Policy(only(OWNER)),
    "guests:audit_export":              Policy(only(OWNER)),
    "wards:establishment_flags":        Policy(only(OWNER)),
    # --- flags: the ward's police and the establishment's owner --------------------------------
    "wards:resolve_flag":               Policy(POLICE | {OWNER}, POST, "flag"),
    # --- the ward police: officers and commanders -----------------------------------------------
    "wards:officer_home":               Policy(POLICE),
    "establishments:applications":      Policy(POLICE),
    "establishments:application":       Policy(POLICE, GET, "application"),
    "establishments:approve":           Policy(POLICE, POST, "application"),
    "establishments:refuse":            Policy(POLICE, POST, "application"),
    "wards:inbox":                      Policy(POLICE),
    "wards:inbox_confirm":              Policy(POLICE, POST),
    "wards:declaration":                Policy(POLICE, GET, "declaration"),
    "wards:declaration_confirm":        Policy(POLICE, POST, "declaration"),
    "wards:declaration_return":         Policy(POLICE, POST, "declaration"),
    "wards:search":                     Policy(POLICE, BOTH),
    "wards:flags":                      Policy(POLICE),
    "wards:board":                      Policy(POLICE),
    "wards:establishment":              Policy(POLICE, GET, "establishment"),
    "wards:inspection_new":             Policy(POLICE, POST, "establishment"),
    "wards:notices":                    Policy(POLICE),
    "wards:notice_new":                 Policy(POLICE, BOTH),
    "wards:notice":                     Policy(POLICE, GET, "notice"),
    "wards:feedback":                   Policy(POLICE),
    "wards:feedback_thread":            Policy(POLICE, BOTH, "feedback thread"),
    "wards:feedback_close":             Policy(POLICE, POST, "feedback thread"),
    # --- the ward commander only ----------------------------------------------------------------
    "wards:settings":                   Policy(only(COMMANDER), BOTH),
    "wards:beats":                      Policy(only(COMMANDER), BOTH),
    "wards:beat_assign":                Policy(only(COMMANDER), POST, "beat"),
    "wards:access_log":                 Policy(only(COMMANDER)),
    "wards:stats":                      Policy(only(COMMANDER)),
    "wards:stats_export":               Policy(only(COMMANDER)),
    # --- the immigration police -----------------------------------------------------------------
    "immigration:queue":                Policy(only(IMMIGRATION)),
    "immigration:sponsors":             Policy(only(IMMIGRATION)),
    "immigration:sponsor":              Policy(only(IMMIGRATION), GET, "sponsor"),
    "immigration:sponsor_approve":      Policy(only(IMMIGRATION), POST, "sponsor"),
    "immigration:sponsor_refuse":       Policy(only(IMMIGRATION), POST, "sponsor"),
    # The office (immigration.office): an application of its province, never a draft.
    "immigration:office_application":   Policy(only(IMMIGRATION), GET, "immigration application"),
    "immigration:office_request_info":  Policy(only(IMMIGRATION), POST, "immigration application"),
    "immigration:office_accept":        Policy(only(IMMIGRATION), POST, "immigration application"),
    "immigration:office_approve":       Policy(only(IMMIGRATION), POST, "immigration application"),
    "immigration:office_refuse":        Policy(only(IMMIGRATION), POST, "immigration application"),
    "immigration:office_stats":         Policy(only(IMMIGRATION)),
    "immigration:office_stats_export":  Policy(only(IMMIGRATION)),
    # --- immigration applicants: a lodging's staff or a sponsoring organisation ---------------
    "immigration:applications":         Policy(DESK | {SPONSOR}),
    "immigration:new":                  Policy(DESK | {SPONSOR}, BOTH),
    # --- immigration: visa-expiry warnings (immigration.warnings) --------------------------------
    "immigration:visa_warnings":        Policy(DESK),
    "immigration:ward_visa_warnings":   Policy(POLICE),
    # --- immigration: ratings and opinion surveys (immigration.listening) ------------------------
    # A sponsor rates its own applications; the table's is a lodging's, a stranger's to it.
    "immigration:rate":                 Policy(DESK, BOTH, "immigration application",
                                               alike=((SPONSOR, "404"),)),
    "immigration:ratings":              Policy(only(IMMIGRATION)),
    # The office reads and sends its province's surveys; the table's survey is a ward's, which
    # is its police's only (a 403 to the office).
    "immigration:surveys":              Policy(POLICE | {IMMIGRATION}),
    "immigration:survey_new":           Policy(only(COMMANDER, IMMIGRATION), BOTH),
    "immigration:survey":               Policy(POLICE, GET, "survey"),
    "immigration:surveys_open":         Policy(only(OWNER)),
    "immigration:survey_answer":        Policy(only(OWNER), BOTH, "survey"),
    "immigration:detail":               Policy(DESK | {SPONSOR}, GET, "immigration application",
                                               alike=((SPONSOR, "404"),)),
    "immigration:edit":                 Policy(DESK | {SPONSOR}, BOTH, "immigration application",
                                               alike=((SPONSOR, "404"),)),
    "immigration:submit":               Policy(DESK | {SPONSOR}, POST, "immigration application",
                                               alike=((SPONSOR, "404"),)),
    "immigration:withdraw":             Policy(DESK | {SPONSOR}, BOTH, "immigration application",
                                               alike=((SPONSOR, "404"),)),
    # The files: the applicant's, and the office's of its province.
    "immigration:attachment":           Policy(DESK | {SPONSOR, IMMIGRATION}, GET, "attachment",
                                               alike=((SPONSOR, "404"),)),
    "immigration:attachment_delete":    Policy(DESK | {SPONSOR}, POST, "attachment",
                                               alike=((SPONSOR, "404"),)),
    "immigration:confirmation_request": Policy(DESK | {SPONSOR}, POST, "immigration application",
                                               alike=((SPONSOR, "404"),)),
    # --- the confirmation of residence: the ward police, and its paper for all three ----------
    "immigration:confirmations":        Policy(POLICE),
    "immigration:confirmation":         Policy(POLICE, GET, "confirmation"),
    "immigration:confirmation_confirm": Policy(POLICE, POST, "confirmation"),
    "immigration:confirmation_refuse":  Policy(POLICE, POST, "confirmation"),
    "immigration:confirmation_pdf":     Policy(DESK | POLICE | {IMMIGRATION, SPONSOR}, GET,
                                               "confirmation",
                                               alike=((SPONSOR, "404"), (IMMIGRATION, "works"))),
    # --- the site administrator -----------------------------------------------------------------
    # Django's admin sends anyone else to its login page, which refuses them (403).
    "admin:index":                      Policy(only(ADMIN), denied="admin login"),
}
# fmt: on

# The pages a user who still owes a second factor may reach (luutru.middleware).
SECOND_FACTOR_EXEMPT = {"otp_enrol", "otp_verify", "logout", "set_language", "healthz"}
# Kwargs of routes whose parameters are not an object id.
FIXED_KWARGS = {
    "password_reset_confirm": {"uidb64": "MQ", "token": "set-password"},
    "immigration:verify_code": {"code": "ABCDEFGHJKLM"},
}

# Routes whose job is to send the user to the login page.
ENDS_ON_LOGIN = {"logout"}

LOGIN = "/accounts/login/"
SECOND_FACTOR = ("/accounts/2fa/enrol/", "/accounts/2fa/verify/")
