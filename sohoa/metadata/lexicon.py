"""Words of administrative Vietnamese, to put back a tone OCR swapped in free text.

Tesseract `vie` reads `đôn đốc` as `đồn đốc`, `căn cước` as `cắn cước`: each
syllable exists, so no spelling check can catch it, but the two-syllable word
does not. When a pair of syllables is not a word of this lexicon while its
form without diacritics is exactly one word of it, that word is what was
printed. Only pairs are corrected, never a lone syllable: one syllable has
too many readings. Where a pair is a word either way (`chi tiêu` spending,
`chỉ tiêu` target), a set phrase of three or four syllables decides
(`chi tiêu nội bộ`, `hệ thống` of a `hệ thông` read).
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
    "hệ thống", "văn bằng", "chứng chỉ", "giới thiệu", "tự chủ", "nội bộ",
    # set phrases whose pairs are words either way
    "chi tiêu nội bộ", "quy chế chi tiêu", "chỉ tiêu biên chế", "giao chỉ tiêu",
    "chỉ tiêu tuyển sinh", "kinh phí chi tiêu",
)  # fmt: skip


@lru_cache(maxsize=1)
def _by_fold() -> dict[str, tuple[str, ...]]:
    table: dict[str, list[str]] = {}
    for word in WORDS:
        table.setdefault(fold(word), []).append(word)
    return {k: tuple(dict.fromkeys(v)) for k, v in table.items()}


@lru_cache(maxsize=1)
def _known() -> frozenset[str]:
    return frozenset(WORDS)


_STRIP = ".,;:()\"'"


def restore_pairs(text: str) -> tuple[str, int]:
    """`text` with words (pairs, and the set phrases that decide between two pairs) whose
    tones OCR swapped put back; and how many were."""
    tokens = text.split()
    fixed = 0
    i = 0
    while i < len(tokens) - 1:
        for size in (4, 3, 2):
            window = tokens[i : i + size]
            cores = [t.strip(_STRIP) for t in window]
            if len(window) < size or not all(c.isalpha() for c in cores):
                continue
            phrase = " ".join(cores).lower()
            if phrase in _known():
                break  # read as a word of the lexicon: nothing to put back here
            found = _by_fold().get(fold(phrase))
            if not found or len(found) != 1:
                continue
            for j, (core, word) in enumerate(zip(cores, found[0].split(), strict=True)):
                if core[:1].isupper():
                    word = word[:1].upper() + word[1:]
                tokens[i + j] = tokens[i + j].replace(core, word)
            fixed += 1
            i += size - 1
            break
        i += 1
    return " ".join(tokens), fixed
