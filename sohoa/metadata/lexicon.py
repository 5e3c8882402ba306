"""Words of administrative Vietnamese, to put back a tone OCR swapped in free text.

Tesseract `vie` reads `đôn đốc` as `đồn đốc`, `căn cước` as `cắn cước`: each
syllable exists, so no spelling check can catch it, but the two-syllable word
does not. When a pair of syllables is not a word of this lexicon while its
form without diacritics is exactly one word of it, that word is what was
printed. Only pairs are corrected, never a lone syllable: one syllable has
too many readings.
"""

from __future__ import annotations

from functools import lru_cache

from sohoa.metadata.text import fold

#: Two-syllable words of administrative texts (trích yếu, Nơi nhận, organ names).
WORDS: tuple[str, ...] = (
    "ban hành", "bảo đảm", "đảm bảo", "báo cáo", "bãi bỏ", "bổ sung", "sửa đổi", "bảo vệ",
    "bảo quản", "bảo hiểm", "bảo hộ", "bảo trì", "biên bản", "biên chế", "bồi thường",
    "bố trí", "cải cách", "căn cước", "căn cứ", "cấp phép", "cán bộ", "công chức",
    "viên chức", "công tác", "công văn", "công nghệ", "công nghiệp", "công khai",
    "công dân", "công an", "công trình", "công điện", "chấn chỉnh", "chỉ đạo", "chỉ thị",
    "chính quyền", "chính sách", "chính phủ", "chủ trì", "chủ tịch", "chuyển đổi",
    "chương trình", "chống tham nhũng", "cư trú", "cứu nạn", "cứu hộ", "dân cư",
    "dịch vụ", "dự án", "dự toán", "dữ liệu", "đăng ký", "đào tạo", "bồi dưỡng",
    "đầu tư", "đất đai", "địa bàn", "địa phương", "điện tử", "điều chỉnh", "điều hành",
    "đôn đốc", "đổi mới", "đơn vị", "giải quyết", "giải thể", "giám sát", "giáo dục",
    "giao thông", "hành chính", "hiện đại", "hóa đơn", "học sinh", "hội nghị",
    "hướng dẫn", "hợp đồng", "hồ sơ", "khắc phục", "khen thưởng", "kỷ luật", "kế hoạch",
    "kết luận", "kết quả", "kiểm tra", "kiểm soát", "kiểm toán", "kiện toàn", "khiếu nại",
    "tố cáo", "kinh phí", "kinh tế", "lãng phí", "lưu trữ", "môi trường", "một cửa",
    "liên thông", "nâng cao", "ngân sách", "nghị định", "nghị quyết", "nhiệm vụ",
    "năm học", "nông nghiệp", "nông thôn", "phân cấp", "phân công", "phê duyệt",
    "phòng chống", "phòng cháy", "chữa cháy", "phổ biến", "pháp luật", "phương án",
    "phương hướng", "quản lý", "quy chế", "quy định", "quy hoạch", "quy trình",
    "quyết định", "sản xuất", "số hóa", "sơ kết", "tổng kết", "tài chính", "tài sản",
    "tài liệu", "tài nguyên", "thành lập", "thành viên", "thẩm định", "thẩm quyền",
    "thanh tra", "thiên tai", "thi hành", "thống kê", "thông báo", "thông tin",
    "thông tư", "thủ tục", "thực hành", "thực hiện", "tiết kiệm", "tiếp công",
    "tiếp nhận", "tiếp dân", "tổ chức", "tổ công", "tổng hợp", "trật tự", "triển khai",
    "truyền thông", "tuyên truyền", "tuyển dụng", "văn bản", "văn thư", "văn hóa",
    "văn phòng", "vận hành", "xây dựng", "xử lý", "xử phạt", "vi phạm", "an toàn",
    "an ninh", "y tế", "giải ngân", "đầu công", "chuyển đổi", "kết nối", "chia sẻ",
    "nhân dân", "ủy ban", "hội đồng", "tình hình", "thời gian", "trách nhiệm",
    "tăng cường", "đẩy mạnh", "nghiêm túc", "hiệu quả", "chất lượng", "phối hợp",
    "đề nghị", "đề án", "tờ trình", "giấy mời", "quốc gia", "doanh nghiệp",
    "người dân", "đánh giá", "rà soát", "cấp xã", "cấp huyện", "cấp tỉnh",
    "chi tiết", "nhân dịp", "kỷ niệm", "giới thiệu", "điều lệ", "khuyến học", "góp ý",
    "dự thảo", "hoạt động", "ý kiến", "thông qua", "tầm nhìn", "thời kỳ", "giai đoạn",
)  # fmt: skip


@lru_cache(maxsize=1)
def _by_fold() -> dict[str, tuple[str, ...]]:
    table: dict[str, list[str]] = {}
    for word in WORDS:
        if len(word.split()) == 2:
            table.setdefault(fold(word), []).append(word)
    return {k: tuple(dict.fromkeys(v)) for k, v in table.items()}


@lru_cache(maxsize=1)
def _known() -> frozenset[str]:
    return frozenset(WORDS)


def restore_pairs(text: str) -> tuple[str, int]:
    """`text` with two-syllable words whose tones OCR swapped put back; and how many were."""
    tokens = text.split()
    fixed = 0
    i = 0
    while i < len(tokens) - 1:
        left, right = tokens[i], tokens[i + 1]
        core_l = left.strip(".,;:()\"'")
        core_r = right.strip(".,;:()\"'")
        pair = f"{core_l} {core_r}".lower()
        if pair in _known() or not core_l.isalpha() or not core_r.isalpha():
            i += 1
            continue
        found = _by_fold().get(fold(pair))
        if found and len(found) == 1:
            word_l, word_r = found[0].split()
            if core_l[:1].isupper():
                word_l = word_l[:1].upper() + word_l[1:]
            tokens[i] = left.replace(core_l, word_l)
            tokens[i + 1] = right.replace(core_r, word_r)
            fixed += 1
            i += 2
            continue
        i += 1
    return " ".join(tokens), fixed
