"""The office's shared system: ``liaison serve`` (issue #25, docs/service.md).

A Django project configured in code (:mod:`liaison_web.settings`), its tables
(:mod:`liaison_web.models`), the year store in the database (:mod:`liaison_web.store`), an HTTP API
with an OpenAPI 3.1 document (:mod:`liaison_web.api`, django-ninja) and the commands the plugin adds to
``liaison`` (:mod:`liaison_web.plugin`). Importing this package imports no Django: the plugin manager
loads :mod:`liaison_web.plugin` for every command.
"""
