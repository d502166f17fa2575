"""The web pages: server-rendered HTML (Jinja2, autoescaped) with htmx served from the package,
on top of the same services, sessions, CSRF tokens and need-to-know rules as the API.

`install_pages(app)` adds them to the API's application. Pages live at paths no API router uses
(`/`, `/sign-in`, `/dashboard`, ...); the API keeps its own (`/session`, `/cases`, ...), and a
test keeps the two sets apart. Personal data never goes into a page's URL: objects are named by
opaque ids and searches are POSTed.
"""

from refuge.web.pages import install_pages

__all__ = ["install_pages"]
