# Declarations arrive with the guests issue.
