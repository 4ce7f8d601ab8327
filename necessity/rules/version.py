# Any change to what assess() returns for some answers (a rule, a message, a citation, a threshold, a
# default in Policy) or to the answers format bumps this: year.month.sequence of the release.
RULES_VERSION = "2026.11.1"
