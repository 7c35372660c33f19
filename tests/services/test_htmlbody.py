"""HTML bodies made safe once, at intake: what nh3 makes of them, within caps, in linear time."""

import html as htmllib
import time
from email.message import EmailMessage
from email.policy import default

import nh3
import pytest

from app.services import htmlbody

OUTLOOK = """<html xmlns:o="urn:schemas-microsoft-com:office:office"><head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<style><!-- p.MsoNormal {margin:0cm;} --></style></head>
<body lang="DA" link="#0563C1"><div class="WordSection1">
<p class="MsoNormal">Hej Birthe,<o:p></o:p></p>
<p class="MsoNormal">Jeg kan desværre ikke komme&nbsp;på tirsdag.<o:p></o:p></p>
<table border=0 cellpadding=0><tr><td width=200 style='padding:0'>
<p>Med venlig hilsen<br>Anne Jensen</p></td><td><img src="cid:image001.png@01DA"></td></tr>
</table><div style='border:none;border-top:solid #E1E1E1 1.0pt'>
<p class=MsoNormal><b>Fra:</b> Sekretariatet &lt;sekretariat@forum.test&gt;<br>
<b>Sendt:</b> 20. november 2026 10:12</p></div>
<blockquote><ul><li>punkt et<li>punkt to</ul><a href="https://forum.test/r/abc?x=1&amp;y=2"
onclick="steal()">svar</a> <a href="javascript:alert(1)">klik</a></blockquote>
<script>alert("x")</script><svg onload=alert(1)><circle r=1></svg>
</div></body></html>"""


def _nh3(html):
    return nh3.clean(html, link_rel="noopener noreferrer nofollow",
                     url_schemes={"http", "https", "mailto"})


def _nested(depth: int, inner: str = "Hej") -> str:
    return "<div>" * depth + inner + "</div>" * depth


def test_an_ordinary_mail_comes_out_as_nh3_makes_it():
    shown, note = htmlbody.clean(OUTLOOK)
    assert note is None and shown == _nh3(OUTLOOK)
    assert "script" not in shown and "onclick" not in shown and "javascript" not in shown
    assert "Jeg kan desværre ikke komme" in shown and 'rel="noopener noreferrer nofollow"' in shown


@pytest.mark.parametrize("html", [
    '<div title="</div>">x</div><div "><div ">y',  # quotes only count where a value starts
    "a < b > c <3 <!-- c --> <!DOCTYPE html> <?xml x?> </ x> </> <b class='q\"x'>b</b>",
    "<ul><li>a<li>b<li><p>c<li>d</ul><p>a<p>b<table><tr><td>x<td>y<tr><td>z</table>",
    '<div attr="never closed>hej</div>',  # the end comes inside the tag: nothing after it
    "<div><span>unclosed <b>bold", "<title>T</title><textarea>a<b></textarea>x",
])
def test_tags_end_where_html5_ends_them(html):
    assert htmlbody.clean(html) == (_nh3(html), None)


def test_nesting_up_to_the_cap_stays_html():
    shown, note = htmlbody.clean(_nested(htmlbody.MAX_DEPTH))
    assert note is None and shown.count("<div>") == htmlbody.MAX_DEPTH


def test_200000_nested_divs_are_shown_as_text_at_once():
    html = "<p>Hej Birthe</p>" + _nested(200_000)  # 2.2 MB, as in the report
    assert len(html) > 2_200_000
    started = time.perf_counter()
    shown, note = htmlbody.clean(html)
    took = time.perf_counter() - started
    assert note == htmlbody.TOO_DEEP and shown == "<p>Hej Birthe</p>"
    assert took < 0.25, took


@pytest.mark.parametrize("html", [
    "<div " * 200_000, "<a b='" * 200_000, "<!--" * 200_000, "<script>" * 200_000,
    "</div" * 200_000, "<" * 1_000_000, "<table><tr><td>" * 200_000, "<ul><li>" * 200_000,
    "<b><p>" * 200_000, "<div><span><b><i>x" * 200_000, "<br>" * 400_000, "&amp;" * 400_000,
    "& " * 500_000, "\xa0x" * 500_000, "&nbsp;" * 200_000, "<title>" * 200_000,
    "<font>" * 200_000 + "x", "<div a=1 b='2' c=\"3\" d e=f>" * 100_000,
], ids=lambda html: html[:12])
def test_no_input_takes_long(html):
    started = time.perf_counter()
    shown, _note = htmlbody.clean(html)
    took = time.perf_counter() - started
    assert took < 0.6, took
    assert "<script" not in shown


def test_a_long_body_is_cut_with_a_note():
    html = "<p>" + "ord " * 200_000 + "</p>"
    shown, note = htmlbody.clean(html)
    assert note == htmlbody.TOO_LARGE and len(shown) < htmlbody.MAX_CHARS + 10_000
    many = "<span>x</span>" * (htmlbody.MAX_TAGS + 10)
    shown, note = htmlbody.clean(many)
    assert note == htmlbody.TOO_LARGE and shown.count("<span>") == htmlbody.MAX_TAGS


def test_long_text_is_cut_into_nodes_but_never_inside_a_reference():
    text = ("Blåbær &amp; jordbær&nbsp;i&nbsp;&quot;haven&quot; " * 2_000)
    shown, note = htmlbody.clean(f"<p>{text}</p>")
    assert note is None and shown.count("<wbr>") > 10
    assert htmllib.unescape(shown.replace("<wbr>", "")) == f"<p>{htmllib.unescape(text)}</p>"


def _mail(html=None, attachment=None):
    msg = EmailMessage(policy=default)
    msg["From"], msg["To"], msg["Subject"] = "a@x.test", "b@x.test", "Emne"
    msg.set_content("Tekst")
    if html is not None:
        msg.add_alternative(html, subtype="html")
    if attachment is not None:
        msg.add_attachment(attachment, subtype="html", filename="bilag.html")
    return msg


def test_the_html_body_is_the_one_shown_never_an_attachment():
    assert htmlbody.of_message(_mail("<p onclick=x()>Hej</p>")) == ("<p>Hej</p>\n", None)
    assert htmlbody.of_message(_mail(attachment="<p>Bilag</p>")) == ("", None)
    assert htmlbody.from_raw(bytes(_mail("<b>fed</b>"))) == ("<b>fed</b>\n", None)
    assert htmlbody.from_raw(None) == ("", None)
