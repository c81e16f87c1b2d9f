"""The service's pages (issue #26, its first slice): server-rendered Django templates for the people
who do the work, in Chinese first with an English switch, printable, usable on a 375-px-wide phone,
every asset served by the service itself (no script at all: plain forms).

- ``/login/``, ``/logout/`` — Django's login (CSRF, the django-axes lockout page);
- ``/`` — the caller's year (:func:`~liaison_web.pages.views.home`);
- ``/year/<district>/<year>/`` — *my year*: the body's engagements by month, what is due this week
  and this month (:func:`liaison_web.service.due`, the API's), links to each provision's text;
- ``/engagement/<district>/<year>/<id>/`` — one engagement: agree, move, cancel with a reason, mark
  held (:func:`liaison_web.service.change`, the API's), the plan's warnings, its history;
- ``/provision/<district>/<id>/`` — a provision's text in force on a day;
- ``/lang/<zh|en>/`` — the language switch (a cookie).

Every page needs a login (:class:`~liaison_web.pages.middleware.LoginRequired` sends a logged-out
caller to the login page from every address outside the API, the admin and the static files).
"""
