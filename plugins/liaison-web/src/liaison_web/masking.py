"""What may be a credential, masked: in a webhook's URL as its readers see it, and in everything the
audit log keeps (:func:`liaison_web.audit.record` masks before it writes; the log's readers mask
again, for entries written before this rule).

- the user and password before a URL's host (``https://***@oa.example/hook``), in any text: a URL's
  user information is never anything but a credential;
- the query of an address the service sends to or reads from (the values under a key ``url``,
  ``target`` or ``…_url``: a webhook's, the CalDAV server's), where an OA system's key often rides
  (``?***``), and its fragment dropped — the scheme, host, port and path stay: where it goes;
- in an error's or a message's text (the values under a key ``error``, ``message``, ``message_zh``,
  ``fix``, ``fix_zh`` and all beneath them: a webhook attempt's error, a publication job's error
  document and log, the ``publish-failed`` entry's) every address as an address's above — the user
  information and the query — and the query of a request's path (``url: /hook?***``, as an HTTP
  library names what it asked): an error quotes the address it failed on, and every reader of the
  webhook's deliveries or the year's jobs reads the error (:func:`masked_text`);
- the value under a key that names a secret (``secret``, ``token``, ``password``, ``password_hash``,
  ``salt``): ``***`` whatever it holds. No entry writes one (a token's, a feed's and a webhook's
  secret are shown once and kept as a hash or derived; a password's hash never leaves the user's
  row): this is the net under that rule, not the rule.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["ERROR_KEYS", "MASK", "SECRET_KEYS", "masked", "masked_text", "masked_url"]

MASK = "***"
#: The keys whose value is a secret, whatever it holds.
SECRET_KEYS = frozenset({"secret", "token", "password", "password_hash", "salt"})
#: The keys whose value is an address the service sends to: its query masked too.
ADDRESS_KEYS = frozenset({"url", "target"})
#: The keys whose value (and all beneath it) is an error's or a message's text: every address in it
#: masked as an address's, and a request path's query.
ERROR_KEYS = frozenset({"error", "message", "message_zh", "fix", "fix_zh"})

# a URL's user information: after the scheme, up to the '@' before the host (no '/', '?', '#' or space
# between them)
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/?#@\s\"'<>]*@")
# (an address ends at a space, a quote, an angle bracket or Chinese punctuation: "…/hook：无法解析")
_URL = re.compile(r"(?i)\b[a-z][a-z0-9+.-]*://[^\s\"'<>\u3000-\u303f\uff00-\uffef]+")
# a path's query in text: a '/'-path (outside an address, whose query the address's rule masks) and
# what follows its '?' up to a space, a quote or a bracket (``Max retries exceeded with url: /hook?key=…``)
_PATH_QUERY = re.compile(r"(/[^\s?#\"'<>()\u3000-\u303f\uff00-\uffef]*)\?"
                         r"(?!\*\*\*(?:[\s\"'<>()\u3000-\u303f\uff00-\uffef]|$))[^\s\"'<>()\u3000-\u303f\uff00-\uffef]+")


def masked_url(url: str) -> str:
    """A URL without what may be a credential: the user and password before the host
    (``https://***@oa.example/hook``) and the query (``?***``), the fragment dropped. The scheme,
    host, port and path stay: where it goes. A URL that does not parse: its scheme and ``***``."""
    from urllib.parse import urlsplit, urlunsplit

    try:
        parts = urlsplit(url)
    except ValueError:  # "http://[abc": no host to keep
        return f"{url.partition('://')[0]}://{MASK}" if "://" in url else MASK
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, f"{MASK}@{host}" if "@" in parts.netloc else host, parts.path,
                       MASK if parts.query else "", ""))


def masked_text(text: str) -> str:
    """An error's or a message's ``text`` with what may be a credential masked: every address in it
    as :func:`masked_url` masks one (its user information and query), and the query of a request's
    path (``url: /hook?***``). Masking it again changes nothing."""
    if "://" in text:
        text = _URL.sub(lambda found: masked_url(found.group(0)), text)
    return _PATH_QUERY.sub(lambda found: f"{found.group(1)}?{MASK}", text) if "?" in text else text


def masked(value: Any, key: str = "", *, error: bool = False) -> Any:
    """``value`` (JSON: dicts, lists, text, numbers) with what may be a credential masked (the module's
    rules); ``key``: the key it is under; ``error``: it is (within) an error's or a message's text. A
    new value; what holds nothing to mask comes back equal."""
    named = key.lower()
    error = error or named in ERROR_KEYS
    if isinstance(value, dict):
        return {k: masked(v, str(k), error=error) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [masked(v, key, error=error) for v in value]
    if not isinstance(value, str):
        return value
    if named in SECRET_KEYS:
        return MASK if value else value
    if error:
        return masked_text(value)
    if "://" not in value:
        return value
    if named in ADDRESS_KEYS or named.endswith("_url"):
        return _URL.sub(lambda found: masked_url(found.group(0)), value)
    return _USERINFO.sub(lambda found: f"{found.group(1)}{MASK}@", value)
