import random
from pathlib import Path

import pytest

from auditor.errors import InputError
from auditor.io.load import Document, Limits, decode, load, resolve

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def test_seed_id_resolves_to_the_one_file_with_that_prefix():
    assert resolve("001", SEEDS).name == "001_25b45a1f2acf4c89.txt"


def test_unknown_seed_id_is_a_clear_error():
    with pytest.raises(InputError, match=r"999: no such file, and no file in .* starts with '999_'"):
        resolve("999", SEEDS)


def test_ambiguous_seed_id_names_every_match(tmp_path):
    (tmp_path / "007_a.txt").write_text("A.")
    (tmp_path / "007_b.txt").write_text("B.")
    with pytest.raises(InputError, match="ambiguous seed id, 2 files .*007_a.txt, 007_b.txt"):
        resolve("007", tmp_path)


def test_path_wins_over_seed_id(tmp_path):
    doc = tmp_path / "x.txt"
    doc.write_text("Hello there.")
    assert load(str(doc)).text == "Hello there."


def test_bom_is_dropped_and_newlines_normalised():
    text, encoding, notes = decode("\ufeffOne.\r\nTwo.\rThree.\n".encode("utf-8"), "x")
    assert (text, encoding, notes) == ("One.\r\nTwo.\rThree.\n", "utf-8", ())
    assert Document.from_text(text).text == "One.\nTwo.\nThree.\n"


def test_utf8_damaged_by_a_stray_byte_is_refused_with_the_byte_named():
    data = "He said “no” to Tabalov.".encode("utf-8").replace(b"Tabalov", b"Tab\x93alov")
    with pytest.raises(InputError, match=r"bad.txt: not valid UTF-8 \(byte 0x93 at offset 23\), though the rest reads as UTF-8"):
        decode(data, "bad.txt")


@pytest.mark.parametrize(
    "data, text",
    [
        (b"Say \x93hi\x94.", "Say “hi”."),  # too short to detect: cp1252 assumed
        ("Le café était fermé à Zürich.".encode("latin-1"), "Le café était fermé à Zürich."),
    ],
)
def test_short_legacy_text_is_read_as_cp1252(data, text):
    assert decode(data, "x")[:2] == (text, "cp1252")


def test_long_cp1252_text_is_detected():
    text = (SEEDS / "001_25b45a1f2acf4c89.txt").read_text(encoding="utf-8")
    decoded, encoding, notes = decode(text.encode("cp1252"), "x")
    assert (decoded, encoding) == (text, "cp1252")
    assert notes == ("not UTF-8: decoded as cp1252 (detected; force another with --encoding)",)


def test_cyrillic_cp1251_is_not_mistaken_for_cp1252():
    text = "Заключённые колонии в Петербурге ждали визита чиновников, думая, что это будет проверка. " * 4
    assert decode(text.encode("cp1251"), "x")[:2] == (text, "cp1251")


@pytest.mark.parametrize("codec, name", [("utf-16", "utf-16"), ("utf-32", "utf-32"), ("utf-8-sig", "utf-8")])
def test_byte_order_marks_decide_the_encoding(codec, name):
    assert decode("Ünïcode “quotes”.".encode(codec), "x")[:2] == ("Ünïcode “quotes”.", name)


def test_a_forced_encoding_is_used_and_its_errors_named():
    assert decode("Hi “there”.".encode("utf-16-le"), "x", "utf-16-le")[:2] == ("Hi “there”.", "utf-16-le")
    with pytest.raises(InputError, match=r"x: not valid ascii \(byte 0xe2 at offset 3\)"):
        decode("Hi “there”.".encode("utf-8"), "x", "ascii")
    with pytest.raises(InputError, match="x: unknown text encoding 'klingon'"):
        decode(b"Hi.", "x", "klingon")
    with pytest.raises(InputError, match="x: unknown text encoding 'base64'"):
        decode(b"Hi.", "x", "base64")  # a bytes-to-bytes codec, not a text encoding


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00",  # an image: NUL bytes
        "UTF-16 with no byte-order mark".encode("utf-16-le"),
        bytes(range(1, 32)) * 20,  # control characters, no NUL
        bytes(b or 1 for b in random.Random(0).randbytes(2000)),  # noise without NULs: no encoding fits it
    ],
)
def test_binary_data_is_refused_as_not_text(data):
    with pytest.raises(InputError, match=r"^x: not text \("):
        decode(data, "x")


def test_a_few_control_characters_do_not_make_text_binary():
    assert decode(b"\x1b[31mred\x1b[0m text", "x")[0] == "\x1b[31mred\x1b[0m text"


def test_empty_document_is_refused(tmp_path):
    doc = tmp_path / "empty.txt"
    doc.write_text("  \n\n \u00a0\u200b\t")
    with pytest.raises(InputError, match="empty.txt: empty document"):
        load(str(doc))


def test_directory_is_refused(tmp_path):
    with pytest.raises(InputError, match="is a directory, not a text file"):
        load(str(tmp_path))


def test_a_file_too_large_for_the_limit_is_refused_before_it_is_read(tmp_path):
    doc = tmp_path / "big.txt"
    doc.write_text("word " * 1000)
    with pytest.raises(InputError, match=r"big.txt: too large: 5,000 bytes, more than the limit of 1,000 characters"):
        load(str(doc), limits=Limits(max_chars=1000))
    with pytest.raises(InputError, match=r"big.txt: too long: 5,000 characters, over the limit of 4,000 \(raise it with --max-chars\)"):
        load(str(doc), limits=Limits(max_chars=4000))


def test_line_breaks_spaces_and_invisible_characters_are_normalised():
    doc = Document.from_text("One\u00a0two.\r\nUk\u200braine\u00adnow.\rThree\u2028four\tfive\u202fsix.")
    assert doc.text == "One two.\nUkrainenow.\nThree\nfour\tfive six."
    assert doc.notes == ("2 invisible characters (zero-width spaces, joiners, soft hyphens) removed",)


def test_html_is_reduced_to_its_visible_text():
    page = (
        "<!DOCTYPE html><html><head><title>Site</title><style>p {color: red}</style></head><body>"
        "<h1>Russia struggles</h1><p>The prisoners\n  were <b>waiting</b> &amp; hoping.</p>"
        "<script>var x = '<p>no</p>';</script><ul><li>One</li><li>Two&nbsp;three</li></ul><br>Tail</body></html>"
    )
    doc = Document.from_text(page)
    assert doc.text == "Russia struggles\nThe prisoners were waiting & hoping.\nOne\nTwo three\nTail"
    assert doc.notes == ("looks like HTML (27 tags): its markup was removed and its visible text compared",)


def test_text_that_merely_mentions_a_tag_is_not_html():
    text = "Use the <b> tag for bold text, and <i> for italics."
    assert Document.from_text(text).text == text
