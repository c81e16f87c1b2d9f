"""A counterpart's acknowledgement (回执, 签收) of what the regulation has the government and its
departments send it: a policy document copied to it (the copying rule), an invitation to a meeting
or an event (the invitation rules; the 回执 says whether it will attend and who attends), the
department's feedback on the research it submitted (the response rule).

The regulation names no acknowledgement and no day for one: it is how the office knows that what
was sent arrived. So an acknowledgement counts towards no finding; it closes the body's to-do item
"to acknowledge" (:mod:`liaison.year.acknowledgements`), which cites the provision the item was sent
under, read from the district's data.
"""

from __future__ import annotations

import datetime as dt
import enum

import attrs

from liaison.base.errors import Refused
from liaison.base.text import free_text, name_text, reference_text, title_text

__all__ = ["ITEM_EN", "ITEM_ZH", "Acknowledged", "Acknowledgement"]


class Acknowledged(enum.StrEnum):
    """What is acknowledged."""

    DOCUMENT = "document"  # a document copied to the body: the document record's id (文号)
    INVITATION = "invitation"  # an invitation to an engagement of the year's plan: its id
    FEEDBACK = "feedback"  # the feedback on a research result the body submitted: the result's id


ITEM_ZH = {Acknowledged.DOCUMENT: "抄送文件", Acknowledged.INVITATION: "邀请", Acknowledged.FEEDBACK: "调研成果反馈"}
ITEM_EN = {Acknowledged.DOCUMENT: "document copied", Acknowledged.INVITATION: "invitation",
           Acknowledged.FEEDBACK: "feedback on research"}


@attrs.frozen(kw_only=True)
class Acknowledgement:
    """``organisation`` (a party branch or the ICF) acknowledged on ``date`` the ``item`` (an id) of
    the kind ``of``. For an invitation, ``attending`` says whether it will attend and ``attendees``
    who will (the 回执); for the rest both stay empty. ``note``: anything the body adds."""

    of: Acknowledged
    item: str = attrs.field(validator=title_text)
    organisation: str = attrs.field(validator=reference_text)
    date: dt.date
    attending: bool | None = None
    attendees: tuple[str, ...] = attrs.field(default=(), validator=name_text)
    note: str = attrs.field(default="", validator=free_text)

    def __attrs_post_init__(self) -> None:
        if self.of == Acknowledged.INVITATION:
            if self.attending is None:
                raise Refused("an invitation's acknowledgement says whether the body attends (attending)",
                              "邀请回执须说明是否出席（attending）", "give attending: true or false",
                              "请填写 attending：true 或 false", field="attending")
            if self.attendees and not self.attending:
                raise Refused("attendees named for a body that does not attend",
                              "不出席却填写了出席人员", "leave attendees empty, or set attending to true",
                              "请清空出席人员，或将 attending 设为 true", field="attendees")
        elif self.attending is not None or self.attendees:
            raise Refused(f"only an invitation's acknowledgement says who attends (this is of a {self.of.value})",
                          f"只有邀请回执填写出席情况（本回执针对{ITEM_ZH[self.of]}）",
                          "leave attending and attendees out", "请删去 attending 和 attendees",
                          field="attending" if self.attending is not None else "attendees")
