from pathlib import Path

import pytest

from auditor.errors import InputError
from auditor.load import decode, load, resolve

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
    assert decode("\ufeffOne.\r\nTwo.\rThree.\n".encode("utf-8"), "x") == "One.\nTwo.\nThree.\n"


def test_invalid_utf8_names_the_file_and_byte():
    with pytest.raises(InputError, match=r"bad.txt: not valid UTF-8 \(byte 0x93 at offset 4\)"):
        decode(b"Say \x93hi\x94.", "bad.txt")


def test_empty_document_is_refused(tmp_path):
    doc = tmp_path / "empty.txt"
    doc.write_text("  \n\n ")
    with pytest.raises(InputError, match="empty.txt: empty document"):
        load(str(doc))
