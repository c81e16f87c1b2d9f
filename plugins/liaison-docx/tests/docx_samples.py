"""Sample letters for the tests: an annual notice (文件格式), an invitation (信函格式), and a letter
whose second page is nothing but body text, for measuring the 22 × 28 grid."""

from __future__ import annotations

import datetime

from liaison_docx import Heading, Letter, Paragraph, Table

DEPARTMENTS = (
    ("区发展和改革委员会", "民革某某区支部", "张某某", "李某某"),
    ("区教育局", "民盟某某区委员会", "王某某", "赵某某"),
    ("区财政局", "民建某某区总支部", "陈某某", "刘某某"),
    ("区卫生健康委员会", "农工党某某区支部", "杨某某", "黄某某"),
    ("区科学技术局", "九三学社某某区支社", "周某某", "吴某某"),
    ("区工商业联合会", "区工商联", "郑某某", "孙某某"),
)


def annual_notice(year: int = 2027, serial: int = 12) -> Letter:
    """An annual liaison notice of about two pages with a six-row table."""
    return Letter(
        kind="document",
        issuing_authority_mark="某某区人民政府办公室文件",
        doc_number=f"区府办〔{year}〕{serial}号",
        title=f"某某区人民政府办公室关于做好{year}年度\n与民主党派和工商联联系工作的通知",
        recipients="区政府各部门，各街道办事处、镇人民政府",
        body=(
            Paragraph(f"为贯彻落实《某某区人民政府关于加强同民主党派和工商联联系的规定》，做好{year}年度"
                      "联系工作，现将有关事项通知如下。"),
            Heading(1, "联系安排"),
            Paragraph("各联系单位应当明确一名分管领导和一个联络科室，确定联络员，并于1月31日前报区政府办公室备案。"
                      "联系单位每年走访所联系的民主党派或者工商联一至二次，召开座谈会不少于一次。"),
            Heading(2, "走访和座谈"),
            Paragraph("走访和座谈的时间由双方协商确定。联系单位应当提前十个工作日提出建议日期，"
                      "经对方确认后安排；确需调整的，应当及时告知。"),
            Heading(3, "联系对象如下表："),
            Table(header=("联系单位", "联系对象", "分管领导", "联络员"), rows=DEPARTMENTS),
            Heading(2, "文件抄送"),
            Paragraph("区政府及其办公室制发的涉及经济社会发展重大问题的规范性文件，应当抄送各民主党派区委和区工商联。"),
            Heading(1, "工作要求"),
            Paragraph("各单位要高度重视，加强组织领导，认真落实各项联系制度，做到有计划、有记录、有反馈。"
                      "年度工作结束后，于12月15日前将联系工作情况书面报送区政府办公室。"),
            Paragraph("联系人：区政府办公室秘书科，电话：12345678。"),
        ),
        signature="某某区人民政府办公室",
        date=datetime.date(year, 1, 5),
        cc=("区委统战部", "各民主党派区委", "区工商联"),
        printer="某某区人民政府办公室",
        print_date=datetime.date(year, 1, 6),
    )


def invitation(year: int = 2027) -> Letter:
    """An invitation to a party branch in the letter format (信函格式)."""
    return Letter(
        kind="letter",
        issuing_authority_mark="某某区人民政府办公室",
        doc_number=f"区府办函〔{year}〕3号",
        title=f"关于邀请参加{year}年度\n区政府工作座谈会的函",
        recipients="民盟某某区委员会",
        body=(
            Paragraph(f"定于{year}年3月18日（星期四）下午2时30分在区政府第一会议室召开年度工作座谈会，"
                      "通报区政府年度工作安排，听取意见建议。诚邀贵委派员参加。"),
            Paragraph("请于3月12日前将参会人员名单报区政府办公室。"),
            Paragraph("联系人：区政府办公室秘书科，电话：12345678。"),
        ),
        signature="某某区人民政府办公室",
        date=datetime.date(year, 3, 1),
    )


FILLER = ("区人民政府各部门要按照规定同民主党派和工商联加强联系，听取意见建议，通报工作情况，"
          "支持其参政议政，共同推动全区经济社会发展")


def grid_letter(kind: str = "document") -> Letter:
    """A letter whose second page (and third) holds only plain body paragraphs of CJK text."""
    paragraphs = tuple(Paragraph(FILLER * 3 + "。") for _ in range(14))
    base = annual_notice() if kind == "document" else invitation()
    return Letter(
        kind=base.kind, issuing_authority_mark=base.issuing_authority_mark, doc_number=base.doc_number,
        title=base.title, recipients=base.recipients, body=paragraphs, signature=base.signature,
        date=base.date, cc=base.cc, printer=base.printer, print_date=base.print_date)
