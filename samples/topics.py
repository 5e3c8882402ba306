"""What the synthetic documents are about: topics in administrative Vietnamese.

Sentences are written in the register of real decisions, plans, reports and
official letters. Placeholders filled by samples.documents:

    {self}      the agency as its body names it      (Sở Tài chính)
    {units}     its own units, lower case            (các phòng, đơn vị thuộc Sở)
    {Units}     the same, capitalised
    {superior}  who it reports to                    (Ủy ban nhân dân tỉnh)
    {province}  tỉnh Gia Lai / thành phố Hà Nội
    {office}    the drafting unit                    (Văn phòng Sở)
    {year} {prev_year} {n1} {n2} {n3} {n4} {p1} {p2} {deadline}
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class LegalBasis:
    """A real legal document a Căn cứ line can cite (only once it exists)."""

    issued: date
    text: str
    """What follows `Căn cứ `."""
    tags: tuple[str, ...]


LEGAL: tuple[LegalBasis, ...] = (
    LegalBasis(date(2015, 6, 19), "Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015", ("ubnd",)),
    LegalBasis(date(2025, 6, 16), "Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025", ("ubnd",)),
    LegalBasis(date(2020, 3, 5), "Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư", ("van_thu", "so_hoa")),
    LegalBasis(date(2018, 4, 23), "Nghị định số 61/2018/NĐ-CP ngày 23 tháng 4 năm 2018 của Chính phủ về thực hiện cơ chế một cửa, một cửa liên thông trong giải quyết thủ tục hành chính", ("mot_cua", "so_hoa")),
    LegalBasis(date(2020, 4, 8), "Nghị định số 45/2020/NĐ-CP ngày 08 tháng 4 năm 2020 của Chính phủ về thực hiện thủ tục hành chính trên môi trường điện tử", ("mot_cua", "so_hoa", "chuyen_doi_so")),
    LegalBasis(date(2021, 12, 6), "Nghị định số 107/2021/NĐ-CP ngày 06 tháng 12 năm 2021 của Chính phủ sửa đổi, bổ sung một số điều của Nghị định số 61/2018/NĐ-CP ngày 23 tháng 4 năm 2018 của Chính phủ về thực hiện cơ chế một cửa, một cửa liên thông trong giải quyết thủ tục hành chính", ("mot_cua", "so_hoa")),
    LegalBasis(date(2021, 3, 27), "Quyết định số 468/QĐ-TTg ngày 27 tháng 3 năm 2021 của Thủ tướng Chính phủ phê duyệt Đề án đổi mới việc thực hiện cơ chế một cửa, một cửa liên thông trong giải quyết thủ tục hành chính", ("mot_cua", "so_hoa")),
    LegalBasis(date(2022, 1, 6), "Quyết định số 06/QĐ-TTg ngày 06 tháng 01 năm 2022 của Thủ tướng Chính phủ phê duyệt Đề án phát triển ứng dụng dữ liệu về dân cư, định danh và xác thực điện tử phục vụ chuyển đổi số quốc gia giai đoạn 2022 - 2025, tầm nhìn đến năm 2030", ("chuyen_doi_so", "cu_tru")),
    LegalBasis(date(2023, 4, 5), "Thông tư số 01/2023/TT-VPCP ngày 05 tháng 4 năm 2023 của Văn phòng Chính phủ quy định một số nội dung và biện pháp thi hành trong số hóa hồ sơ, kết quả giải quyết thủ tục hành chính và thực hiện thủ tục hành chính trên môi trường điện tử", ("so_hoa",)),
    LegalBasis(date(2012, 6, 20), "Luật Phổ biến, giáo dục pháp luật ngày 20 tháng 6 năm 2012", ("pbgdpl",)),
    LegalBasis(date(2013, 11, 25), "Luật Tiếp công dân ngày 25 tháng 11 năm 2013", ("tiep_cong_dan",)),
    LegalBasis(date(2011, 11, 11), "Luật Khiếu nại ngày 11 tháng 11 năm 2011", ("tiep_cong_dan",)),
    LegalBasis(date(2013, 6, 19), "Luật Phòng, chống thiên tai ngày 19 tháng 6 năm 2013", ("thien_tai",)),
    LegalBasis(date(2024, 11, 29), "Luật Phòng cháy, chữa cháy và cứu nạn, cứu hộ ngày 29 tháng 11 năm 2024", ("pccc",)),
    LegalBasis(date(2017, 6, 21), "Luật Quản lý, sử dụng tài sản công ngày 21 tháng 6 năm 2017", ("tai_san_cong",)),
    LegalBasis(date(2017, 12, 26), "Nghị định số 151/2017/NĐ-CP ngày 26 tháng 12 năm 2017 của Chính phủ quy định chi tiết một số điều của Luật Quản lý, sử dụng tài sản công", ("tai_san_cong",)),
    LegalBasis(date(2020, 11, 13), "Luật Cư trú ngày 13 tháng 11 năm 2020", ("cu_tru",)),
    LegalBasis(date(2023, 11, 27), "Luật Căn cước ngày 27 tháng 11 năm 2023", ("cu_tru",)),
    LegalBasis(date(2013, 11, 26), "Luật Thực hành tiết kiệm, chống lãng phí ngày 26 tháng 11 năm 2013", ("tiet_kiem",)),
    LegalBasis(date(2015, 6, 25), "Luật Ngân sách nhà nước ngày 25 tháng 6 năm 2015", ("tiet_kiem", "tai_san_cong")),
    LegalBasis(date(2024, 6, 21), "Luật Lưu trữ ngày 21 tháng 6 năm 2024", ("van_thu", "so_hoa")),
    LegalBasis(date(2023, 6, 22), "Luật Giao dịch điện tử ngày 22 tháng 6 năm 2023", ("chuyen_doi_so", "so_hoa")),
)  # fmt: skip


@dataclass(frozen=True)
class Topic:
    key: str
    name: str
    """Noun phrase after `công tác` (`cải cách thủ tục hành chính`)."""
    short: str
    agencies: tuple[str, ...]
    """Agency kinds that write about it: so:<abbr>, cong_an, ubnd, ubnd_local, bo."""
    goals: tuple[str, ...]
    requirements: tuple[str, ...]
    tasks: tuple[str, ...]
    results: tuple[str, ...]
    limits: tuple[str, ...]
    requests: tuple[str, ...]
    """What a công văn asks its recipients to do."""


TOPICS: tuple[Topic, ...] = (
    Topic(
        key="mot_cua",
        name="cải cách thủ tục hành chính và thực hiện cơ chế một cửa, một cửa liên thông",
        short="cải cách thủ tục hành chính",
        agencies=("so:STC", "so:STP", "so:SNV", "ubnd", "ubnd_local"),
        goals=(
            "Nâng cao chất lượng phục vụ người dân, doanh nghiệp trong giải quyết thủ tục hành chính; bảo đảm công khai, minh bạch, đúng thời hạn và không phát sinh chi phí ngoài quy định.",
            "Rút ngắn thời gian chờ đợi của người dân, doanh nghiệp tại Bộ phận Một cửa xuống còn tối đa 15 phút cho một lượt giao dịch.",
            "Phấn đấu 100% hồ sơ thủ tục hành chính được tiếp nhận, giải quyết và trả kết quả đúng hạn, không có hồ sơ quá hạn do lỗi chủ quan của cán bộ, công chức.",
        ),
        requirements=(
            "Xác định rõ nội dung công việc, thời hạn hoàn thành và trách nhiệm của từng cơ quan, đơn vị trong tổ chức thực hiện.",
            "Thủ trưởng các cơ quan, đơn vị trực tiếp chỉ đạo, chịu trách nhiệm về kết quả cải cách thủ tục hành chính tại cơ quan, đơn vị mình.",
            "Việc triển khai phải thiết thực, hiệu quả, gắn với đánh giá mức độ hài lòng của người dân, doanh nghiệp.",
        ),
        tasks=(
            "Rà soát, công khai đầy đủ, kịp thời các thủ tục hành chính thuộc thẩm quyền giải quyết trên Cổng Dịch vụ công và tại Bộ phận Một cửa.",
            "Cập nhật, đồng bộ trạng thái hồ sơ trên Hệ thống thông tin giải quyết thủ tục hành chính cấp tỉnh ngay khi tiếp nhận, chuyển xử lý và trả kết quả.",
            "Tổ chức xin lỗi người dân, doanh nghiệp bằng văn bản đối với hồ sơ giải quyết quá hạn, nêu rõ lý do và hẹn lại thời gian trả kết quả.",
            "Bố trí công chức có năng lực, phẩm chất, tinh thần trách nhiệm làm việc tại Bộ phận Một cửa; định kỳ luân chuyển theo quy định.",
            "Tăng cường kiểm tra việc tiếp nhận, giải quyết hồ sơ; kịp thời chấn chỉnh, xử lý nghiêm các trường hợp nhũng nhiễu, gây phiền hà cho người dân.",
            "Đề xuất đơn giản hóa thành phần hồ sơ, cắt giảm thời gian giải quyết đối với các thủ tục hành chính có số lượng hồ sơ lớn.",
        ),
        results=(
            "Trong kỳ, {self} đã tiếp nhận {n1} hồ sơ thủ tục hành chính, trong đó có {n2} hồ sơ trực tuyến; đã giải quyết đúng hạn {p1}% số hồ sơ, không có hồ sơ quá hạn do lỗi chủ quan.",
            "Toàn bộ {n3} thủ tục hành chính thuộc thẩm quyền giải quyết đã được công khai trên Cổng Dịch vụ công và niêm yết tại Bộ phận Một cửa.",
            "Kết quả khảo sát cho thấy mức độ hài lòng của người dân, doanh nghiệp đối với việc giải quyết thủ tục hành chính đạt {p2}%.",
            "Đã ban hành quy trình nội bộ giải quyết thủ tục hành chính, phân định rõ trách nhiệm của từng bộ phận trong từng bước xử lý hồ sơ.",
        ),
        limits=(
            "Một số hồ sơ còn phải bổ sung nhiều lần do hướng dẫn ban đầu chưa đầy đủ, gây mất thời gian cho người dân.",
            "Việc cập nhật trạng thái hồ sơ trên Hệ thống thông tin giải quyết thủ tục hành chính ở một số bộ phận chưa kịp thời.",
            "Tỷ lệ hồ sơ nộp trực tuyến còn thấp so với chỉ tiêu được giao, chủ yếu tập trung ở một số ít thủ tục.",
        ),
        requests=(
            "Đề nghị {units} rà soát toàn bộ hồ sơ đang giải quyết, bảo đảm trả kết quả đúng hạn; trường hợp quá hạn phải có văn bản xin lỗi theo quy định.",
            "Báo cáo kết quả thực hiện, khó khăn, vướng mắc (nếu có) gửi về {office} trước ngày {deadline} để tổng hợp, báo cáo {superior}.",
            "Phân công cán bộ đầu mối theo dõi việc tiếp nhận, giải quyết thủ tục hành chính và gửi danh sách về {office} để phối hợp.",
        ),
    ),
    Topic(
        key="so_hoa",
        name="số hóa hồ sơ, kết quả giải quyết thủ tục hành chính",
        short="số hóa hồ sơ",
        agencies=("so:STC", "so:STP", "so:SNV", "ubnd", "ubnd_local"),
        goals=(
            "Số hóa hồ sơ, giấy tờ, kết quả giải quyết thủ tục hành chính ngay trong quá trình tiếp nhận, giải quyết, bảo đảm dữ liệu sống, sạch, đủ và chính xác.",
            "Phấn đấu 100% kết quả giải quyết thủ tục hành chính còn hiệu lực được số hóa, lưu trữ điện tử và có giá trị sử dụng, tái sử dụng.",
            "Người dân, doanh nghiệp không phải cung cấp lại thông tin, giấy tờ đã được cơ quan nhà nước số hóa khi thực hiện thủ tục hành chính lần sau.",
        ),
        requirements=(
            "Bản sao điện tử được số hóa phải bảo đảm đúng định dạng, độ phân giải tối thiểu 200 dpi, đầy đủ thông tin và được ký số của cơ quan thực hiện số hóa.",
            "Việc số hóa phải bảo đảm an toàn, bảo mật thông tin; không làm gián đoạn việc tiếp nhận, giải quyết thủ tục hành chính.",
            "Kết quả số hóa được lưu trữ tập trung, kết nối, chia sẻ với cơ sở dữ liệu quốc gia, cơ sở dữ liệu chuyên ngành theo quy định.",
        ),
        tasks=(
            "Tổ chức số hóa ngay khi tiếp nhận đối với 100% hồ sơ thủ tục hành chính nộp trực tiếp tại Bộ phận Một cửa.",
            "Rà soát, số hóa kết quả giải quyết thủ tục hành chính còn hiệu lực đang lưu trữ bản giấy, ưu tiên các kết quả có tần suất sử dụng cao.",
            "Bố trí máy quét, chữ ký số chuyên dùng và đường truyền bảo đảm cho Bộ phận Một cửa thực hiện số hóa.",
            "Tập huấn kỹ năng số hóa, ký số và khai thác kho dữ liệu điện tử của tổ chức, cá nhân cho công chức làm việc tại Bộ phận Một cửa.",
            "Kiểm tra, đối chiếu chất lượng bản số hóa với bản giấy; kịp thời quét lại các bản bị mờ, thiếu trang hoặc sai thông tin.",
            "Thống kê tỷ lệ số hóa theo từng tháng, đưa kết quả số hóa vào tiêu chí đánh giá, xếp loại cán bộ, công chức cuối năm.",
        ),
        results=(
            "Đến nay đã số hóa {n1} hồ sơ, đạt {p1}% tổng số hồ sơ tiếp nhận trong kỳ; số hóa {n2} kết quả giải quyết thủ tục hành chính còn hiệu lực.",
            "Đã trang bị {n4} máy quét tốc độ cao và cấp {n3} chứng thư số cho công chức làm việc tại Bộ phận Một cửa.",
            "Tỷ lệ hồ sơ được tái sử dụng dữ liệu đã số hóa đạt {p2}%, góp phần giảm đáng kể giấy tờ người dân phải nộp.",
            "Kho dữ liệu điện tử của tổ chức, cá nhân trên Cổng Dịch vụ công đã được cập nhật đầy đủ kết quả giải quyết thủ tục hành chính.",
        ),
        limits=(
            "Khối lượng hồ sơ giấy tồn đọng từ các năm trước còn lớn, nhiều hồ sơ đã cũ, rách, mờ chữ nên khó số hóa.",
            "Trang thiết bị phục vụ số hóa tại một số bộ phận còn thiếu, cấu hình thấp, ảnh hưởng đến tiến độ.",
            "Một số công chức chưa thành thạo kỹ năng ký số, chuyển đổi định dạng và lưu trữ bản số hóa.",
        ),
        requests=(
            "Đề nghị {units} khẩn trương rà soát, thống kê kết quả giải quyết thủ tục hành chính còn hiệu lực chưa được số hóa và xây dựng lộ trình số hóa cụ thể.",
            "Bảo đảm 100% hồ sơ tiếp nhận trực tiếp được số hóa và ký số trước khi chuyển xử lý; kết quả số hóa được lưu vào kho dữ liệu điện tử.",
            "Gửi báo cáo tỷ lệ số hóa hằng tháng về {office} trước ngày 25 của tháng để tổng hợp.",
        ),
    ),
    Topic(
        key="pbgdpl",
        name="phổ biến, giáo dục pháp luật",
        short="phổ biến, giáo dục pháp luật",
        agencies=("so:STP", "ubnd", "ubnd_local"),
        goals=(
            "Nâng cao nhận thức, ý thức chấp hành pháp luật của cán bộ, công chức, viên chức và Nhân dân trên địa bàn {province}.",
            "Kịp thời phổ biến các văn bản quy phạm pháp luật mới ban hành có liên quan trực tiếp đến người dân, doanh nghiệp.",
        ),
        requirements=(
            "Nội dung phổ biến phải trọng tâm, trọng điểm, phù hợp với từng đối tượng, địa bàn; hình thức đa dạng, dễ tiếp cận.",
            "Kết hợp chặt chẽ giữa phổ biến, giáo dục pháp luật với nhiệm vụ chính trị của từng cơ quan, đơn vị, địa phương.",
        ),
        tasks=(
            "Tổ chức hội nghị phổ biến các luật mới được Quốc hội thông qua cho cán bộ chủ chốt của các cơ quan, đơn vị.",
            "Biên soạn, phát hành tài liệu hỏi đáp pháp luật, tờ gấp bằng tiếng Việt và tiếng dân tộc thiểu số cho các xã vùng sâu, vùng xa.",
            "Duy trì chuyên mục pháp luật trên Cổng thông tin điện tử và hệ thống truyền thanh cơ sở.",
            "Kiện toàn, nâng cao chất lượng đội ngũ báo cáo viên, tuyên truyền viên pháp luật; tổ chức tập huấn kỹ năng cho đội ngũ này.",
            "Hưởng ứng Ngày Pháp luật nước Cộng hòa xã hội chủ nghĩa Việt Nam với các hình thức phù hợp, thiết thực.",
        ),
        results=(
            "Trong năm, đã tổ chức {n3} hội nghị phổ biến pháp luật với hơn {n1} lượt người tham dự; biên soạn, phát hành {n2} bản tài liệu các loại.",
            "Đội ngũ {n4} báo cáo viên pháp luật được kiện toàn, hoạt động tương đối hiệu quả, bám sát nhu cầu của cơ sở.",
            "Hệ thống truyền thanh cơ sở đã phát hơn {n1} tin, bài về pháp luật, tập trung vào các lĩnh vực đất đai, giao thông, cư trú.",
        ),
        limits=(
            "Hình thức phổ biến ở một số nơi còn đơn điệu, chưa thu hút được sự quan tâm của người dân.",
            "Kinh phí bố trí cho công tác phổ biến, giáo dục pháp luật còn hạn chế, chưa đáp ứng yêu cầu.",
        ),
        requests=(
            "Đề nghị {units} xây dựng kế hoạch phổ biến các luật mới có hiệu lực trong năm {year}, gửi về {office} trước ngày {deadline}.",
            "Cử báo cáo viên tham gia tập huấn và bố trí địa điểm tổ chức hội nghị theo lịch đã thống nhất.",
        ),
    ),
    Topic(
        key="pccc",
        name="phòng cháy, chữa cháy và cứu nạn, cứu hộ",
        short="phòng cháy, chữa cháy",
        agencies=("cong_an", "ubnd", "ubnd_local"),
        goals=(
            "Chủ động phòng ngừa, hạn chế đến mức thấp nhất các vụ cháy, nổ và thiệt hại do cháy, nổ gây ra, nhất là trong mùa khô.",
            "Nâng cao trách nhiệm của người đứng đầu cơ quan, đơn vị, cơ sở và ý thức của người dân trong công tác phòng cháy, chữa cháy.",
        ),
        requirements=(
            "Thực hiện nghiêm phương châm bốn tại chỗ; lực lượng, phương tiện phải sẵn sàng chữa cháy khi có tình huống xảy ra.",
            "Công tác kiểm tra phải thực chất, kiên quyết xử lý các vi phạm về phòng cháy, chữa cháy theo quy định.",
        ),
        tasks=(
            "Tổng kiểm tra an toàn phòng cháy, chữa cháy đối với chợ, trung tâm thương mại, nhà ở kết hợp kinh doanh và cơ sở có nguy hiểm về cháy, nổ.",
            "Tổ chức thực tập phương án chữa cháy và cứu nạn, cứu hộ có sự phối hợp nhiều lực lượng tại các khu dân cư.",
            "Hướng dẫn hộ gia đình trang bị bình chữa cháy, lắp đặt thiết bị báo cháy và mở lối thoát nạn thứ hai.",
            "Kiện toàn đội dân phòng, đội phòng cháy và chữa cháy cơ sở; bồi dưỡng nghiệp vụ cho lực lượng này.",
            "Tuyên truyền kỹ năng thoát nạn khi có cháy, nổ trên các phương tiện thông tin đại chúng và mạng xã hội.",
        ),
        results=(
            "Đã kiểm tra {n1} cơ sở, phát hiện và yêu cầu khắc phục {n2} tồn tại, thiếu sót; xử phạt vi phạm hành chính {n3} trường hợp.",
            "Tổ chức {n4} cuộc thực tập phương án chữa cháy tại khu dân cư, cơ sở sản xuất, kinh doanh với sự tham gia của lực lượng tại chỗ.",
            "Số vụ cháy giảm {p1}% so với cùng kỳ năm {prev_year}, không để xảy ra cháy lớn gây thiệt hại nghiêm trọng.",
        ),
        limits=(
            "Một số cơ sở chưa chấp hành nghiêm các kiến nghị về phòng cháy, chữa cháy sau kiểm tra.",
            "Nhiều nhà ở kết hợp kinh doanh chưa có lối thoát nạn thứ hai, chưa trang bị phương tiện chữa cháy ban đầu.",
        ),
        requests=(
            "Đề nghị {units} chỉ đạo rà soát, kiểm tra an toàn phòng cháy, chữa cháy tại trụ sở làm việc, kho lưu trữ hồ sơ.",
            "Kết quả kiểm tra gửi về {office} trước ngày {deadline} để tổng hợp, báo cáo theo quy định.",
        ),
    ),
    Topic(
        key="tai_san_cong",
        name="quản lý, sử dụng tài sản công",
        short="quản lý tài sản công",
        agencies=("so:STC", "ubnd", "ubnd_local"),
        goals=(
            "Quản lý chặt chẽ, sử dụng đúng mục đích, tiết kiệm, hiệu quả tài sản công tại các cơ quan, tổ chức, đơn vị.",
            "Hoàn thành việc kiểm kê, cập nhật đầy đủ dữ liệu tài sản công vào Cơ sở dữ liệu quốc gia về tài sản công.",
        ),
        requirements=(
            "Việc kiểm kê phải đầy đủ, chính xác, đúng thời điểm; số liệu báo cáo phải khớp đúng với sổ sách kế toán.",
            "Xử lý dứt điểm các tài sản không còn nhu cầu sử dụng, hư hỏng không thể sửa chữa theo đúng trình tự, thủ tục.",
        ),
        tasks=(
            "Tổ chức tổng kiểm kê tài sản công tại thời điểm 0 giờ ngày 01 tháng 01 năm {year} theo hướng dẫn của Bộ Tài chính.",
            "Rà soát, sắp xếp lại nhà, đất thuộc sở hữu nhà nước; lập phương án xử lý đối với các cơ sở nhà, đất dôi dư.",
            "Cập nhật biến động tăng, giảm tài sản vào Cơ sở dữ liệu quốc gia về tài sản công trong thời hạn quy định.",
            "Thẩm định, trình phê duyệt tiêu chuẩn, định mức sử dụng máy móc, thiết bị chuyên dùng của các đơn vị.",
            "Kiểm tra việc sử dụng xe ô tô công, trụ sở làm việc; xử lý nghiêm các trường hợp sử dụng sai mục đích.",
        ),
        results=(
            "Đã tổng hợp kết quả kiểm kê của {n3} cơ quan, đơn vị với tổng nguyên giá tài sản hơn {n1} tỷ đồng.",
            "Thẩm định, trình phê duyệt phương án sắp xếp lại, xử lý {n2} cơ sở nhà, đất; đã bán đấu giá {n4} tài sản dôi dư theo quy định.",
            "Tỷ lệ tài sản công được cập nhật vào Cơ sở dữ liệu quốc gia về tài sản công đạt {p1}%.",
        ),
        limits=(
            "Một số đơn vị cập nhật biến động tài sản chưa kịp thời, số liệu giữa sổ kế toán và cơ sở dữ liệu còn chênh lệch.",
            "Việc xử lý nhà, đất dôi dư sau sắp xếp còn chậm do vướng mắc về hồ sơ pháp lý.",
        ),
        requests=(
            "Đề nghị {units} tổ chức kiểm kê, lập báo cáo kê khai tài sản công và gửi về {office} trước ngày {deadline}.",
            "Rà soát các cơ sở nhà, đất không còn nhu cầu sử dụng, đề xuất phương án xử lý cụ thể kèm hồ sơ pháp lý.",
        ),
    ),
    Topic(
        key="chuyen_doi_so",
        name="chuyển đổi số và phát triển chính quyền số",
        short="chuyển đổi số",
        agencies=("so:SKHCN", "so:SNV", "ubnd", "ubnd_local", "bo"),
        goals=(
            "Đẩy mạnh ứng dụng công nghệ số trong hoạt động của cơ quan nhà nước, nâng cao hiệu lực, hiệu quả quản lý và chất lượng phục vụ.",
            "Phấn đấu 100% văn bản trao đổi giữa các cơ quan hành chính (trừ văn bản mật) được thực hiện dưới dạng điện tử, có ký số.",
        ),
        requirements=(
            "Bảo đảm an toàn, an ninh mạng; dữ liệu được kết nối, chia sẻ thông suốt giữa các hệ thống thông tin.",
            "Người đứng đầu trực tiếp chỉ đạo, chịu trách nhiệm về kết quả chuyển đổi số của cơ quan, đơn vị mình.",
        ),
        tasks=(
            "Triển khai sử dụng hiệu quả hệ thống quản lý văn bản và điều hành, bảo đảm xử lý hồ sơ công việc hoàn toàn trên môi trường mạng.",
            "Cấp chữ ký số cho 100% lãnh đạo và công chức có nhu cầu; hướng dẫn sử dụng chữ ký số trên thiết bị di động.",
            "Làm sạch dữ liệu chuyên ngành, kết nối với Cơ sở dữ liệu quốc gia về dân cư để khai thác, sử dụng.",
            "Tổ chức bồi dưỡng kỹ năng số cho cán bộ, công chức và thành viên tổ công nghệ số cộng đồng.",
            "Đánh giá, xếp loại mức độ chuyển đổi số của các cơ quan, đơn vị theo bộ chỉ số được ban hành.",
        ),
        results=(
            "Tỷ lệ văn bản đi được ký số, gửi nhận trên môi trường mạng đạt {p1}%; {n1} hồ sơ công việc được xử lý hoàn toàn trực tuyến.",
            "Đã cấp {n2} chứng thư số cho cá nhân và {n3} chứng thư số cho tổ chức; {n4} tổ công nghệ số cộng đồng đi vào hoạt động.",
            "Dịch vụ công trực tuyến toàn trình được cung cấp cho {p2}% số thủ tục hành chính đủ điều kiện.",
        ),
        limits=(
            "Hạ tầng công nghệ thông tin ở một số đơn vị đã xuống cấp, chưa đáp ứng yêu cầu kết nối, chia sẻ dữ liệu.",
            "Nhân lực chuyên trách công nghệ thông tin còn thiếu, nhiều nơi phải kiêm nhiệm.",
        ),
        requests=(
            "Đề nghị {units} rà soát, báo cáo hiện trạng hạ tầng, ứng dụng công nghệ thông tin và nhu cầu đầu tư giai đoạn tới.",
            "Cử cán bộ đầu mối phụ trách chuyển đổi số, gửi danh sách về {office} trước ngày {deadline}.",
        ),
    ),
    Topic(
        key="tiep_cong_dan",
        name="tiếp công dân, giải quyết khiếu nại, tố cáo",
        short="tiếp công dân",
        agencies=("so:STP", "so:STC", "ubnd", "ubnd_local", "cong_an"),
        goals=(
            "Giải quyết kịp thời, đúng pháp luật các khiếu nại, tố cáo ngay từ cơ sở, không để phát sinh điểm nóng, khiếu kiện đông người.",
            "Bảo đảm quyền và lợi ích hợp pháp của công dân, góp phần giữ vững an ninh chính trị, trật tự, an toàn xã hội.",
        ),
        requirements=(
            "Người đứng đầu thực hiện nghiêm việc tiếp công dân định kỳ và đột xuất theo quy định của Luật Tiếp công dân.",
            "Hồ sơ vụ việc phải được lập, quản lý, lưu trữ đầy đủ; kết quả giải quyết được công khai theo quy định.",
        ),
        tasks=(
            "Duy trì lịch tiếp công dân định kỳ của người đứng đầu vào ngày 15 hằng tháng tại trụ sở tiếp công dân.",
            "Rà soát, giải quyết dứt điểm các vụ việc khiếu nại, tố cáo tồn đọng, kéo dài; không để phát sinh vụ việc mới phức tạp.",
            "Phối hợp với các cơ quan liên quan tổ chức đối thoại với công dân trước khi ban hành quyết định giải quyết khiếu nại.",
            "Tăng cường kiểm tra việc thi hành các quyết định giải quyết khiếu nại đã có hiệu lực pháp luật.",
        ),
        results=(
            "Trong kỳ, đã tiếp {n1} lượt công dân với {n2} vụ việc; tiếp nhận {n3} đơn thư, trong đó {n4} đơn thuộc thẩm quyền giải quyết.",
            "Tỷ lệ giải quyết khiếu nại, tố cáo thuộc thẩm quyền đạt {p1}%, vượt chỉ tiêu được giao.",
        ),
        limits=(
            "Một số vụ việc phức tạp liên quan đến đất đai có nguồn gốc lâu năm, hồ sơ lưu trữ không đầy đủ nên việc giải quyết còn kéo dài.",
            "Chất lượng tham mưu giải quyết khiếu nại ở một số đơn vị chưa cao, còn phải bổ sung, hoàn thiện nhiều lần.",
        ),
        requests=(
            "Đề nghị {units} báo cáo tình hình tiếp công dân, giải quyết khiếu nại, tố cáo trong quý, gửi về {office} trước ngày {deadline}.",
            "Rà soát các vụ việc tồn đọng, kéo dài, đề xuất biện pháp giải quyết dứt điểm.",
        ),
    ),
    Topic(
        key="thien_tai",
        name="phòng, chống thiên tai và tìm kiếm cứu nạn",
        short="phòng, chống thiên tai",
        agencies=("ubnd", "ubnd_local", "so:SNNMT", "so:STNMT"),
        goals=(
            "Chủ động phòng ngừa, ứng phó kịp thời, hiệu quả với thiên tai, giảm thiểu thiệt hại về người và tài sản của Nhà nước và Nhân dân.",
            "Bảo đảm an toàn hồ, đập, công trình phòng, chống thiên tai trong mùa mưa bão năm {year}.",
        ),
        requirements=(
            "Quán triệt phương châm bốn tại chỗ, ba sẵn sàng; chủ động phương án sơ tán dân ở vùng có nguy cơ sạt lở, ngập lụt.",
            "Thông tin cảnh báo thiên tai phải được truyền tải kịp thời đến từng hộ dân, nhất là ở vùng sâu, vùng xa.",
        ),
        tasks=(
            "Kiện toàn Ban Chỉ huy phòng thủ dân sự các cấp, phân công cụ thể nhiệm vụ cho từng thành viên.",
            "Rà soát, cập nhật phương án ứng phó thiên tai theo cấp độ rủi ro; bố trí vật tư, phương tiện, lương thực dự phòng.",
            "Kiểm tra an toàn các hồ chứa nước, đê điều, kè chống sạt lở trước mùa mưa bão; khắc phục ngay các hư hỏng.",
            "Tổ chức diễn tập phòng, chống thiên tai và tìm kiếm cứu nạn tại các xã thường xuyên bị ảnh hưởng.",
            "Tuyên truyền, hướng dẫn người dân kỹ năng ứng phó với bão, lũ, sạt lở đất và giông lốc.",
        ),
        results=(
            "Đã tổ chức {n4} cuộc diễn tập với sự tham gia của hơn {n1} lượt người; dự trữ {n3} tấn lương thực phục vụ cứu trợ.",
            "Kiểm tra {n3} hồ chứa nước, phát hiện và khắc phục kịp thời các hư hỏng, bảo đảm an toàn trong mùa mưa lũ.",
        ),
        limits=(
            "Một số công trình phòng, chống thiên tai xuống cấp nhưng chưa được bố trí kinh phí sửa chữa kịp thời.",
            "Ý thức chủ động phòng tránh thiên tai của một bộ phận người dân chưa cao.",
        ),
        requests=(
            "Đề nghị {units} rà soát phương án ứng phó, sẵn sàng lực lượng, phương tiện và báo cáo về {office} trước ngày {deadline}.",
            "Tổ chức trực ban nghiêm túc 24/24 giờ trong thời gian có thiên tai, báo cáo kịp thời tình hình thiệt hại.",
        ),
    ),
    Topic(
        key="cu_tru",
        name="đăng ký, quản lý cư trú và cấp căn cước",
        short="quản lý cư trú",
        agencies=("cong_an", "ubnd_local"),
        goals=(
            "Bảo đảm thông tin về cư trú, căn cước của công dân được cập nhật đầy đủ, chính xác, thống nhất với Cơ sở dữ liệu quốc gia về dân cư.",
            "Tạo thuận lợi tối đa cho người dân khi thực hiện thủ tục đăng ký cư trú, cấp căn cước trên môi trường điện tử.",
        ),
        requirements=(
            "Thực hiện đúng trình tự, thủ tục, thời hạn giải quyết; không yêu cầu người dân nộp giấy tờ đã được khai thác từ cơ sở dữ liệu.",
            "Bảo đảm bí mật thông tin cá nhân của công dân theo quy định của pháp luật.",
        ),
        tasks=(
            "Rà soát, làm sạch dữ liệu dân cư, bảo đảm thông tin đúng, đủ, sạch, sống; điều chỉnh kịp thời các trường hợp sai lệch.",
            "Tổ chức cấp căn cước lưu động tại các xã, thôn, làng ở xa trung tâm, ưu tiên người cao tuổi, người khuyết tật.",
            "Hướng dẫn người dân kích hoạt tài khoản định danh điện tử mức độ 2 và sử dụng trên ứng dụng VNeID.",
            "Tiếp nhận, giải quyết hồ sơ đăng ký thường trú, tạm trú trực tuyến qua Cổng Dịch vụ công quốc gia.",
        ),
        results=(
            "Đã tiếp nhận {n1} hồ sơ cấp căn cước, thu nhận {n2} hồ sơ định danh điện tử mức độ 2; giải quyết {n3} hồ sơ đăng ký cư trú.",
            "Tỷ lệ hồ sơ đăng ký cư trú được tiếp nhận trực tuyến đạt {p1}%, không có hồ sơ quá hạn.",
        ),
        limits=(
            "Một số trường hợp thông tin trên giấy tờ cũ không thống nhất với dữ liệu dân cư nên phải xác minh, kéo dài thời gian giải quyết.",
            "Người dân ở vùng sâu, vùng xa còn gặp khó khăn khi thực hiện thủ tục trực tuyến.",
        ),
        requests=(
            "Đề nghị {units} phối hợp rà soát, cung cấp thông tin về các trường hợp sai lệch dữ liệu dân cư trên địa bàn.",
            "Bố trí địa điểm, thông báo cho Nhân dân biết lịch cấp căn cước lưu động trước ngày {deadline}.",
        ),
    ),
    Topic(
        key="tiet_kiem",
        name="thực hành tiết kiệm, chống lãng phí",
        short="thực hành tiết kiệm, chống lãng phí",
        agencies=("so:STC", "ubnd", "ubnd_local", "so:SYT", "so:SXD"),
        goals=(
            "Tiết kiệm chi thường xuyên, tập trung nguồn lực cho đầu tư phát triển và bảo đảm an sinh xã hội.",
            "Nâng cao nhận thức, trách nhiệm của cán bộ, công chức, viên chức trong việc sử dụng tiết kiệm điện, nước, văn phòng phẩm.",
        ),
        requirements=(
            "Các chỉ tiêu tiết kiệm phải được lượng hóa cụ thể, gắn với trách nhiệm của người đứng đầu.",
            "Công khai, minh bạch việc sử dụng ngân sách, tài sản; kịp thời phát hiện, xử lý các hành vi gây lãng phí.",
        ),
        tasks=(
            "Cắt giảm tối thiểu 10% kinh phí tổ chức hội nghị, hội thảo, công tác phí so với dự toán được giao.",
            "Hạn chế tổ chức lễ khởi công, khánh thành; không sử dụng ngân sách để tặng quà, chúc Tết cấp trên.",
            "Tăng cường họp trực tuyến, sử dụng văn bản điện tử thay cho văn bản giấy trong trao đổi công việc.",
            "Rà soát, điều chỉnh định mức sử dụng điện, nước, điện thoại và văn phòng phẩm tại cơ quan.",
        ),
        results=(
            "Số kinh phí tiết kiệm được trong năm là {n1} triệu đồng, chủ yếu từ cắt giảm hội nghị, công tác phí và chi mua sắm.",
            "Đã tổ chức {n2} cuộc họp trực tuyến, giảm {p1}% chi phí đi lại so với năm {prev_year}.",
        ),
        limits=(
            "Việc sử dụng điện, nước tại một số đơn vị chưa thật sự tiết kiệm.",
            "Công tác tự kiểm tra về thực hành tiết kiệm, chống lãng phí chưa được thực hiện thường xuyên.",
        ),
        requests=(
            "Đề nghị {units} báo cáo kết quả thực hành tiết kiệm, chống lãng phí năm {year}, gửi về {office} trước ngày {deadline}.",
        ),
    ),
    Topic(
        key="van_thu",
        name="văn thư, lưu trữ",
        short="văn thư, lưu trữ",
        agencies=("so:SNV", "bo", "ubnd", "so:STC", "so:STP"),
        goals=(
            "Quản lý chặt chẽ văn bản đi, văn bản đến; lập hồ sơ công việc và nộp lưu hồ sơ vào Lưu trữ cơ quan đúng thời hạn.",
            "Từng bước số hóa tài liệu lưu trữ, phục vụ khai thác, sử dụng tài liệu nhanh chóng, thuận tiện.",
        ),
        requirements=(
            "Văn bản ban hành phải đúng thể thức, kỹ thuật trình bày theo quy định tại Nghị định số 30/2020/NĐ-CP.",
            "Tài liệu lưu trữ phải được chỉnh lý, bảo quản an toàn; không để tài liệu tích đống, bó gói.",
        ),
        tasks=(
            "Hướng dẫn lập danh mục hồ sơ năm {year}, lập hồ sơ điện tử trên hệ thống quản lý văn bản và điều hành.",
            "Chỉnh lý khối tài liệu tồn đọng giai đoạn 2015 - 2020, xác định thời hạn bảo quản và loại hủy tài liệu hết giá trị.",
            "Số hóa tài liệu lưu trữ có giá trị bảo quản vĩnh viễn, tạo lập cơ sở dữ liệu tài liệu lưu trữ.",
            "Kiểm tra việc chấp hành quy định về văn thư, lưu trữ tại các cơ quan, đơn vị; kịp thời chấn chỉnh sai sót.",
        ),
        results=(
            "Trong năm đã tiếp nhận {n1} văn bản đến, phát hành {n2} văn bản đi; {p1}% văn bản được gửi, nhận trên môi trường điện tử.",
            "Đã chỉnh lý {n3} mét giá tài liệu, số hóa {n4} hồ sơ có thời hạn bảo quản vĩnh viễn.",
        ),
        limits=(
            "Một số văn bản ban hành còn sai sót về thể thức, kỹ thuật trình bày, nhất là vị trí trình bày số, ký hiệu và nơi nhận.",
            "Kho lưu trữ còn chật hẹp, thiếu trang thiết bị bảo quản chuyên dụng.",
        ),
        requests=(
            "Đề nghị {units} thực hiện nghiêm quy định về thể thức văn bản và lập hồ sơ công việc trên môi trường điện tử.",
            "Hoàn thành việc nộp lưu hồ sơ, tài liệu năm {prev_year} vào Lưu trữ cơ quan trước ngày {deadline}.",
        ),
    ),
)

TOPIC_BY_KEY: dict[str, Topic] = {t.key: t for t in TOPICS}
