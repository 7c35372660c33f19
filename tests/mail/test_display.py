"""What the Post page shows of a mail: the text with its quote folded, safe file names."""

import pytest

from app.mail.body import clean_filename
from app.mail.quotes import fold


@pytest.mark.parametrize("name", ["Dagsorden – marts.pdf", "Budget 2027 €.xlsx",
                                  "会议记录.docx", "Referat (udkast) 3.odt"])
def test_real_file_names_are_kept(name):
    assert clean_filename(name) == name


@pytest.mark.parametrize(("name", "clean"), [
    ("faktura\u202efdp.exe", "fakturafdp.exe"),  # right-to-left override
    ("a\u2066b\u2069.pdf", "ab.pdf"),  # isolates
    ("zero\u200bwidth.txt", "zerowidth.txt"),
    ("nul\x00and\x1bescape.txt", "nulandescape.txt"),
    ("line\r\nbreak.txt", "line break.txt"),
    ("../../etc/passwd", "_.._etc_passwd"),
    ("C:\\Users\\anne\\bilag.pdf", "C:_Users_anne_bilag.pdf"),
])
def test_control_bidi_and_path_characters_are_stripped(name, clean):
    assert clean_filename(name) == clean


def test_a_long_name_keeps_its_extension():
    assert clean_filename("x" * 500 + ".pdf") == "x" * 196 + ".pdf"


def test_the_quote_below_the_answer_is_folded():
    shown, quoted = fold("Jeg kommer.\n\nMvh Anne\n\n"
                         "Den 3. dec. 2026 kl. 10.00 skrev Sekretariatet <s@x.dk>:\n"
                         "> Du er indkaldt\n")
    assert shown == "Jeg kommer.\n\nMvh Anne"
    assert quoted.startswith("Den 3. dec. 2026") and quoted.endswith("> Du er indkaldt")


def test_an_outlook_header_block_is_folded():
    shown, quoted = fold("Ja tak\r\n\r\nFra: Sekretariatet <s@x.dk>\r\nSendt: 3. december\r\n"
                         "Til: Anne\r\nEmne: Indkaldelse\r\n\r\nDu er indkaldt")
    assert shown == "Ja tak" and quoted.startswith("Fra: Sekretariatet")


def test_a_text_without_quote_or_starting_with_one_is_shown_whole():
    assert fold("Hej\n\nEt punkt til mødet.") == ("Hej\n\nEt punkt til mødet.", "")
    assert fold("> Kommer du?\nJa, det gør jeg.") == ("> Kommer du?\nJa, det gør jeg.", "")
    assert fold("") == ("", "")
