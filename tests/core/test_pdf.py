import io

from pypdf import PdfReader

from core.pdf import text_document


def test_text_document_renders_chinese_text():
    data = text_document(
        title="安全生产法律法规", sections=[("第一章", ["安全第一，预防为主，综合治理。"])]
    )
    text = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert "安全生产法律法规" in text
    assert "预防为主" in text
