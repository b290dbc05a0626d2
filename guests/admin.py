"""Nothing of the guests app is in the Django admin, on purpose.

A site admin is no party to a declaration (Law 91/2025: only the filing establishment and the
police of its ward see it): the admin would read every guest of the country, search their
names by GET (into the web server's access log) and write no access-log row. Declarations and
their versions are read through the portal, whose pages log each opening; uploaded CSV files
only by the import worker.
"""

from __future__ import annotations
