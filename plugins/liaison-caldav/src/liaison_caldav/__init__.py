"""liaison-caldav: the year's calendars published to a CalDAV server, one resource per event,
incrementally and with If-Match (a ``liaison`` publisher plugin). Names load on first use
(:func:`liaison.lazy.lazy_exports`). What to send is worked out in ``liaison_caldav.changeset``, not
``changes``: the package exports the function ``changes``, and a submodule of the same name, once
imported, would take the package attribute the function is looked up by (0.1 named the module
``changes``; CHANGELOG.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from liaison.lazy import lazy_exports

# Each name once: a type checker reads these imports, and `lazy_exports` reads them to import a module
# on the first use of one of its names.
if TYPE_CHECKING:
    from liaison_caldav.changeset import Action as Action
    from liaison_caldav.changeset import CalendarChanges as CalendarChanges
    from liaison_caldav.changeset import Changes as Changes
    from liaison_caldav.changeset import Write as Write
    from liaison_caldav.changeset import changes as changes
    from liaison_caldav.changeset import collection_slug as collection_slug
    from liaison_caldav.changeset import resource_name as resource_name
    from liaison_caldav.plugin import OPTIONS as OPTIONS
    from liaison_caldav.plugin import CalDAVResult as CalDAVResult
    from liaison_caldav.plugin import publish as publish
    from liaison_caldav.plugin import target_url as target_url

__getattr__, __dir__ = lazy_exports(__name__)
