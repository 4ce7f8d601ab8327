# Any change to what assess() returns for some answers (a rule, a message, a citation, a threshold, a
# default in Policy) or to the answers format bumps this. major.minor.patch: the major version changes
# when answers of the previous major version no longer read (a changed answers format) or decisions
# change in kind; results stored under an earlier version are shown as they were decided, never re-run.
# Version 1 was numbered by date (2026.11.1 was its last release).
RULES_VERSION = "2.1.0"
