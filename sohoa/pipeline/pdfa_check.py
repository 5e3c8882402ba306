"""Structural PDF/A-2b checks (ISO 19005-2), for our own files before and after signing.

No validator that this machine can install exists (veraPDF is a Java jar
fetched from Maven Central), so these are veraPDF's published PDF/A-2 rules
that apply to what sohoa writes and signs; every problem names its clause.
It accepts what a PAdES incremental update adds: signature fields, widgets
with appearance streams, the DSS dictionary and several revisions.
"""

import contextlib
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from io import BytesIO
from pathlib import Path

import pikepdf
from lxml import etree

from sohoa.xmp import NS as _NS


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


# --- check -------------------------------------------------------------------


def check_pdfa(path: Path) -> list[str]:
    """Structural PDF/A-2b problems of the file at `path`; [] when none was found.

    Each problem starts with the ISO 19005-2 clause it breaks (or "Info/XMP").
    Checked: header
    and binary comment (6.1.2), nothing after the last %%EOF, trailer /ID, no
    encryption (6.1.3), stream keys and filters (6.1.7), permissions (6.1.12),
    page sizes (6.1.13), the PDF/A output intent and its ICC profile (6.2.3),
    ICC-based colour spaces (6.2.4.2), device colours against the output
    intent (6.2.4.3), ExtGState keys and blend modes (6.2.5, 6.2.10), images
    (6.2.8), form and PostScript XObjects (6.2.9), fonts: types, embedding,
    CMaps, CIDToGIDMap (6.2.11), annotations: types, flags, appearances (6.3),
    forms (6.4.1, 6.4.2), actions (6.5), XMP: packet header, pdfaid part 2
    and conformance, properties predefined or declared in a PDF/A extension
    schema (6.6), Info ⇔ XMP equivalence (ISO 19005-1 6.7.3, see below),
    embedded files (6.8), optional content (6.9), catalog keys (6.10, 6.11).
    Transparency is allowed by PDF/A-2; only its forbidden forms are reported.
    Signature widgets, AcroForm /SigFlags and a DSS dictionary appended by a
    PAdES incremental update are all fine.
    """
    path = Path(path)
    report = _Report()
    try:
        with path.open("rb") as fh:
            head = fh.read(1024)
            fh.seek(max(0, path.stat().st_size - 1024))
            tail = fh.read()
    except OSError as exc:
        return [f"cannot read {path}: {exc.strerror or exc}"]
    _check_header(head, report)
    _check_eof(tail, report)
    try:
        pdf = pikepdf.open(path)
    except pikepdf.PasswordError:
        return [*report.problems, "6.1.3: the file is encrypted"]
    except pikepdf.PdfError as exc:
        return [*report.problems, f"not a readable PDF: {exc}"]
    with pdf:
        _check_trailer(pdf, report)
        output_cs = _check_output_intents(pdf, report)
        _check_catalog(pdf, report)
        _check_xmp(pdf, report)
        _Walker(report, output_cs).check_pages(pdf)
        _check_streams(pdf, report)
    return report.problems


class _Report:
    """Problems found, each reported once."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def add(self, clause: str, message: str) -> None:
        text = f"{clause}: {message}"
        if text not in self.problems:
            self.problems.append(text)


def _check_header(head: bytes, report: _Report) -> None:
    match = re.match(rb"%PDF-1\.[0-7](\r\n|\r|\n)", head)
    if not match:
        report.add("6.1.2", f"header is {head[:9]!r}, expected %PDF-1.0 … %PDF-1.7 and an EOL")
        return
    comment = head[match.end() : match.end() + 5]
    if len(comment) < 5 or comment[:1] != b"%" or any(b < 128 for b in comment[1:5]):
        report.add("6.1.2", "the header is not followed by a binary comment (% and 4 bytes > 127)")


def _check_eof(tail: bytes, report: _Report) -> None:
    end = tail.rfind(b"%%EOF")
    if end < 0:
        report.add("6.1.3", "no %%EOF marker at the end of the file")
    elif tail[end + 5 :] not in (b"", b"\n", b"\r", b"\r\n"):
        report.add("6.1.3", f"{len(tail) - end - 5} bytes follow the last %%EOF")


def _check_trailer(pdf: pikepdf.Pdf, report: _Report) -> None:
    ids = pdf.trailer.get("/ID")
    if not isinstance(ids, pikepdf.Array) or len(ids) != 2:
        report.add("6.1.3", "the trailer has no /ID")
    if "/Encrypt" in pdf.trailer or pdf.is_encrypted:
        report.add("6.1.3", "the file is encrypted")


_ICC_COMPONENTS = {b"RGB ": 3, b"GRAY": 1, b"CMYK": 4}


def _check_output_intents(pdf: pikepdf.Pdf, report: _Report) -> str | None:
    """Check the PDF/A output intent; returns its colour space ("RGB ", "GRAY", "CMYK")."""
    intents = pdf.Root.get("/OutputIntents")
    if not isinstance(intents, pikepdf.Array):
        report.add("6.2.3", "no /OutputIntents in the catalog")
        return None
    profiles: set[tuple[int, int]] = set()
    colour_space: str | None = None
    for intent in intents:
        if not isinstance(intent, pikepdf.Dictionary):
            continue
        if "/DestOutputProfileRef" in intent:
            report.add("6.2.3", "an output intent has /DestOutputProfileRef")
        profile = intent.get("/DestOutputProfile")
        if profile is None:
            continue
        profiles.add(profile.objgen)
        if intent.get("/S") != pikepdf.Name.GTS_PDFA1:
            continue
        if not isinstance(profile, pikepdf.Stream):
            report.add("6.2.3", "the PDF/A output intent's profile is not a stream")
            continue
        colour_space = _check_icc(profile, report, "6.2.3", output=True)
    if len(profiles) > 1:
        report.add("6.2.3", "output intents point to different destination profiles")
    if colour_space is None and not any(
        isinstance(i, pikepdf.Dictionary) and i.get("/S") == pikepdf.Name.GTS_PDFA1 for i in intents
    ):
        report.add("6.2.3", "no /GTS_PDFA1 output intent")
    elif colour_space is None:
        report.add("6.2.3", "the /GTS_PDFA1 output intent has no valid ICC profile")
    return colour_space


def _check_icc(
    profile: pikepdf.Stream, report: _Report, clause: str, *, output: bool
) -> str | None:
    """Check an ICC profile stream's header; returns its colour space when valid."""
    try:
        header = profile.read_bytes()[:128]
    except pikepdf.PdfError as exc:
        report.add(clause, f"an ICC profile cannot be decoded: {exc}")
        return None
    if len(header) < 128 or header[36:40] != b"acsp":
        report.add(clause, "an ICC profile is not a valid ICC profile (no 'acsp' signature)")
        return None
    classes = (b"mntr", b"prtr") if output else (b"mntr", b"prtr", b"scnr", b"spac")
    spaces = (b"RGB ", b"GRAY", b"CMYK") if output else (b"RGB ", b"GRAY", b"CMYK", b"Lab ")
    device_class, space, major = header[12:16], header[16:20], header[8]
    if device_class not in classes or space not in spaces or major >= 5:
        report.add(
            clause,
            f"ICC profile class {device_class!r}, colour space {space!r}, version {major} "
            "is not allowed",
        )
        return None
    components = profile.get("/N")
    if (
        space in _ICC_COMPONENTS
        and components is not None
        and int(components) != _ICC_COMPONENTS[space]
    ):
        report.add(
            clause, f"ICC profile /N {int(components)} does not match its colour space {space!r}"
        )
    return space.decode("ascii")


_ALLOWED_ACTIONS = {"/GoTo", "/GoToR", "/GoToE", "/Thread", "/URI", "/Named", "/SubmitForm"}
_ALLOWED_NAMED = {"/NextPage", "/PrevPage", "/FirstPage", "/LastPage"}


def _check_catalog(pdf: pikepdf.Pdf, report: _Report) -> None:
    root = pdf.Root
    version = str(root.get("/Version", "/1.7")).lstrip("/")
    if version not in {f"1.{n}" for n in range(8)}:
        # pyHanko writes /Version /2.0 when it signs with ECDSA (ISO/TS 32002):
        # the file then claims PDF 2.0, and PDF/A-2 is ISO 32000-1 (PDF 1.7).
        report.add(
            "6.1.2", f"the catalog's /Version {version} overrides the header; PDF/A-2 is PDF 1.7"
        )
    for key, clause, what in (
        ("/AA", "6.5.2", "the catalog has additional actions (/AA)"),
        ("/NeedsRendering", "6.4.2", "the catalog has /NeedsRendering"),
        ("/Requirements", "6.11", "the catalog has /Requirements"),
    ):
        if key in root and not (key == "/NeedsRendering" and root[key] is False):
            report.add(clause, what)
    opener = root.get("/OpenAction")
    if isinstance(opener, pikepdf.Dictionary):
        _check_action(opener, report, "the open action")
    perms = root.get("/Perms")
    if isinstance(perms, pikepdf.Dictionary) and set(perms.keys()) - {"/DocMDP", "/UR3"}:
        report.add("6.1.12", "the permissions dictionary has keys other than /DocMDP and /UR3")
    names = root.get("/Names")
    if isinstance(names, pikepdf.Dictionary):
        if "/JavaScript" in names:
            report.add("6.5.1", "the document has JavaScript (/Names /JavaScript)")
        if "/AlternatePresentations" in names:
            report.add("6.10", "the document has /AlternatePresentations")
        if "/EmbeddedFiles" in names:
            _check_embedded_files(names.EmbeddedFiles, report)
    form = root.get("/AcroForm")
    if isinstance(form, pikepdf.Dictionary):
        if form.get("/NeedAppearances") is True:
            report.add("6.4.1", "the form has /NeedAppearances true")
        if "/XFA" in form:
            report.add("6.4.2", "the form has XFA")
        for field in _walk_fields(form.get("/Fields")):
            if "/AA" in field:
                report.add("6.4.1", "a form field has additional actions (/AA)")
    _check_optional_content(root.get("/OCProperties"), report)
    _check_outlines(root.get("/Outlines"), report)


def _check_action(action: pikepdf.Object, report: _Report, where: str, depth: int = 0) -> None:
    if not isinstance(action, pikepdf.Dictionary) or depth > 32:
        return
    kind = str(action.get("/S", ""))
    if kind not in _ALLOWED_ACTIONS:
        report.add("6.5.1", f"{where} uses a forbidden action {kind or '(none)'}")
    elif kind == "/Named" and str(action.get("/N", "")) not in _ALLOWED_NAMED:
        report.add("6.5.1", f"{where} uses a forbidden named action {action.get('/N')}")
    following = action.get("/Next")
    if isinstance(following, pikepdf.Array):
        for item in following:
            _check_action(item, report, where, depth + 1)
    elif following is not None:
        _check_action(following, report, where, depth + 1)


def _walk_fields(fields: pikepdf.Object | None, depth: int = 0) -> Iterator[pikepdf.Dictionary]:
    if not isinstance(fields, pikepdf.Array) or depth > 32:
        return
    for field in fields:
        if isinstance(field, pikepdf.Dictionary):
            yield field
            yield from _walk_fields(field.get("/Kids"), depth + 1)


def _walk_name_tree(node: pikepdf.Object, depth: int = 0) -> Iterator[pikepdf.Object]:
    if not isinstance(node, pikepdf.Dictionary) or depth > 32:
        return
    names = node.get("/Names")
    if isinstance(names, pikepdf.Array):
        yield from (names[i] for i in range(1, len(names), 2))
    for kid in node.get("/Kids", pikepdf.Array()):
        yield from _walk_name_tree(kid, depth + 1)


def _check_embedded_files(tree: pikepdf.Object, report: _Report) -> None:
    """PDF/A-2 accepts an embedded file only when it is itself PDF/A-1 or PDF/A-2."""
    for spec in _walk_name_tree(tree):
        stream = spec.get("/EF", {}).get("/F") if isinstance(spec, pikepdf.Dictionary) else None
        part = None
        if isinstance(stream, pikepdf.Stream):
            with (
                contextlib.suppress(Exception),
                pikepdf.open(BytesIO(stream.read_bytes())) as inner,
            ):
                part = str(inner.open_metadata().get("pdfaid:part", ""))
        if part not in ("1", "2"):
            report.add("6.8", "an embedded file is not a PDF/A-1 or PDF/A-2 file")


def _check_optional_content(properties: pikepdf.Object | None, report: _Report) -> None:
    if not isinstance(properties, pikepdf.Dictionary):
        return
    configs = [properties.get("/D"), *properties.get("/Configs", pikepdf.Array())]
    for config in configs:
        if not isinstance(config, pikepdf.Dictionary):
            continue
        if not str(config.get("/Name", "")):
            report.add("6.9", "an optional content configuration has no /Name")
        if "/AS" in config:
            report.add("6.9", "an optional content configuration has /AS")


def _check_outlines(outlines: pikepdf.Object | None, report: _Report) -> None:
    seen: set[tuple[int, int]] = set()
    stack = [outlines.get("/First")] if isinstance(outlines, pikepdf.Dictionary) else []
    while stack:
        item = stack.pop()
        if not isinstance(item, pikepdf.Dictionary) or item.objgen in seen or len(seen) > 100_000:
            continue
        seen.add(item.objgen)
        _check_action(item.get("/A"), report, "a bookmark")
        stack.extend([item.get("/Next"), item.get("/First")])


# --- XMP ---------------------------------------------------------------------

#: Namespaces of the schemas predefined by XMP 2005 and ISO 19005 (6.6.2.3.1):
#: their properties need no extension schema.
_PREDEFINED_NS = {
    "http://purl.org/dc/elements/1.1/",
    "http://ns.adobe.com/xap/1.0/",
    "http://ns.adobe.com/xap/1.0/rights/",
    "http://ns.adobe.com/xap/1.0/mm/",
    "http://ns.adobe.com/xap/1.0/bj/",
    "http://ns.adobe.com/xap/1.0/t/pg/",
    "http://ns.adobe.com/xmp/1.0/DynamicMedia/",
    "http://ns.adobe.com/pdf/1.3/",
    "http://ns.adobe.com/photoshop/1.0/",
    "http://ns.adobe.com/camera-raw-settings/1.0/",
    "http://ns.adobe.com/tiff/1.0/",
    "http://ns.adobe.com/exif/1.0/",
    "http://ns.adobe.com/exif/1.0/aux/",
    "http://www.aiim.org/pdfa/ns/id/",
    "http://www.aiim.org/pdfa/ns/extension/",
}
_RDF = "{" + _NS["rdf"] + "}"


@dataclass(frozen=True)
class _XmpProperty:
    namespace: str
    name: str
    element: etree._Element | None
    """The property element; None when written as an attribute."""
    value: str | None = None
    """The attribute's value, for a property written as an attribute."""

    def text(self) -> str | None:
        """A simple value, or an array's x-default (else first) item."""
        if self.element is None:
            return self.value
        items = self.element.findall(f"{_RDF}*/{_RDF}li")
        if not items:
            return (self.element.text or "").strip()
        for item in items:
            if item.get("{http://www.w3.org/XML/1998/namespace}lang") == "x-default":
                return (item.text or "").strip()
        return (items[0].text or "").strip()

    def items(self) -> list[str]:
        if self.element is None:
            return [self.value or ""]
        return [(li.text or "").strip() for li in self.element.findall(f"{_RDF}*/{_RDF}li")]


def _read_xmp(pdf: pikepdf.Pdf) -> dict[tuple[str, str], _XmpProperty]:
    """Top-level XMP properties of the catalog's metadata stream, by (namespace, name).

    Raises ValueError when there is no metadata stream or it is not well-formed XML.
    """
    stream = pdf.Root.get("/Metadata")
    if not isinstance(stream, pikepdf.Stream):
        raise ValueError("the catalog has no /Metadata stream")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)
    root = etree.fromstring(stream.read_bytes(), parser)
    rdf = root if root.tag == f"{_RDF}RDF" else root.find(f".//{_RDF}RDF")
    if rdf is None:
        raise ValueError("the XMP has no rdf:RDF element")
    found: dict[tuple[str, str], _XmpProperty] = {}
    for description in rdf.findall(f"{_RDF}Description"):
        for key, value in description.attrib.items():
            namespace, _, name = key[1:].partition("}") if key.startswith("{") else ("", "", key)
            if namespace not in (_NS["rdf"], _NS["xml"], ""):
                found[(namespace, name)] = _XmpProperty(namespace, name, None, value)
        for child in description:
            if isinstance(child.tag, str) and child.tag.startswith("{"):
                namespace, _, name = child.tag[1:].partition("}")
                found[(namespace, name)] = _XmpProperty(namespace, name, child)
    return found


def _check_xmp(pdf: pikepdf.Pdf, report: _Report) -> None:
    stream = pdf.Root.get("/Metadata")
    if isinstance(stream, pikepdf.Stream):
        raw = stream.read_bytes()
        header = re.search(rb"<\?xpacket begin=[^>]*\?>", raw[:512])
        if header and re.search(rb"\b(bytes|encoding)\s*=", header.group()):
            report.add("6.6.2.1", "the xpacket header has a bytes or encoding attribute")
    try:
        props = _read_xmp(pdf)
    except (ValueError, etree.XMLSyntaxError) as exc:
        report.add("6.6.2.1", f"no readable XMP metadata: {exc}")
        report.add("6.6.4", "no PDF/A identification (pdfaid:part, pdfaid:conformance)")
        return
    part = props.get((_NS["pdfaid"], "part"))
    conformance = props.get((_NS["pdfaid"], "conformance"))
    if part is None or conformance is None:
        report.add("6.6.4", "no PDF/A identification (pdfaid:part, pdfaid:conformance)")
    else:
        if part.text() != "2":
            report.add("6.6.4", f"pdfaid:part is {part.text()!r}, expected 2")
        if conformance.text() not in ("A", "B", "U"):
            report.add("6.6.4", f"pdfaid:conformance is {conformance.text()!r}, expected B")
    declared = _declared_properties(props.get((_NS["pdfaExtension"], "schemas")), report)
    for namespace, name in props:
        if namespace not in _PREDEFINED_NS and name not in declared.get(namespace, set()):
            report.add(
                "6.6.2.3",
                f"XMP property {name} ({namespace}) is neither predefined nor declared "
                "in a PDF/A extension schema",
            )
    _check_info_matches_xmp(pdf, props, report)


def _declared_properties(schemas: _XmpProperty | None, report: _Report) -> dict[str, set[str]]:
    """Property names declared per namespace by pdfaExtension:schemas."""
    declared: dict[str, set[str]] = {}
    if schemas is None or schemas.element is None:
        return declared
    for schema in schemas.element.findall(f"{_RDF}Bag/{_RDF}li"):
        fields = _struct_fields(schema)
        uri = _field_text(fields.get("namespaceURI"))
        if not uri or not _field_text(fields.get("prefix")) or "schema" not in fields:
            report.add("6.6.2.3", "an extension schema lacks schema, namespaceURI or prefix")
            continue
        names = declared.setdefault(uri, set())
        properties = fields.get("property")
        if not isinstance(properties, etree._Element):
            continue
        for prop in properties.findall(f"{_RDF}Seq/{_RDF}li"):
            prop_fields = _struct_fields(prop)
            missing = {"name", "valueType", "category", "description"} - set(prop_fields)
            if missing or _field_text(prop_fields["category"]) not in ("external", "internal"):
                report.add("6.6.2.3", f"an extension schema property of {uri} is incomplete")
                continue
            names.add(_field_text(prop_fields["name"]))
    return declared


def _struct_fields(li: etree._Element) -> dict[str, etree._Element | str]:
    """Fields of an XMP structure, by local name.

    RDF allows three spellings, and pyHanko re-serialises ours when it signs:
    rdf:parseType="Resource" children, or a nested rdf:Description whose
    fields are child elements or attributes.
    """
    holder = li.find(f"{_RDF}Description")
    fields: dict[str, etree._Element | str] = {}
    if holder is not None:
        for key, value in holder.attrib.items():
            if key.startswith("{") and not key.startswith(_RDF):
                fields[key.partition("}")[2]] = value
    for child in holder if holder is not None else li:
        if isinstance(child.tag, str) and child.tag.startswith("{"):
            fields[child.tag.partition("}")[2]] = child
    return fields


def _field_text(field: etree._Element | str | None) -> str:
    if field is None:
        return ""
    return (field if isinstance(field, str) else field.text or "").strip()


#: Info entry → its XMP equivalent. The equivalence is ISO 19005-1 6.7.3;
#: veraPDF's PDF/A-2 profile does not test it, but readers show either source,
#: so sohoa holds PDF/A-2 files to it too.
_INFO_RULE = "Info/XMP (ISO 19005-1 6.7.3)"
_INFO_TO_XMP = {
    "/Title": (_NS["dc"], "title"),
    "/Author": (_NS["dc"], "creator"),
    "/Subject": (_NS["dc"], "description"),
    "/Keywords": (_NS["pdf"], "Keywords"),
    "/Creator": (_NS["xmp"], "CreatorTool"),
    "/Producer": (_NS["pdf"], "Producer"),
    "/CreationDate": (_NS["xmp"], "CreateDate"),
    "/ModDate": (_NS["xmp"], "ModifyDate"),
}


def _check_info_matches_xmp(
    pdf: pikepdf.Pdf, props: dict[tuple[str, str], _XmpProperty], report: _Report
) -> None:
    info = pdf.trailer.get("/Info")
    if not isinstance(info, pikepdf.Dictionary):
        return
    for key, xmp_key in _INFO_TO_XMP.items():
        if key not in info:
            continue
        value = str(info[key])
        prop = props.get(xmp_key)
        if prop is None:
            report.add(_INFO_RULE, f"Info {key[1:]} is set but the XMP has no {xmp_key[1]}")
            continue
        if key in ("/CreationDate", "/ModDate"):
            same = _same_instant(_parse_pdf_date(value), _parse_xmp_date(prop.text() or ""))
        elif key == "/Author":
            same = value == ", ".join(prop.items())
        else:
            same = _nfc(value) == _nfc(prop.text() or "")
        if not same:
            report.add(
                _INFO_RULE,
                f"Info {key[1:]} {value!r} differs from XMP {xmp_key[1]} {prop.text()!r}",
            )


_PDF_DATE = re.compile(
    r"D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(?:([Zz+-])(\d{2})?'?(\d{2})?'?)?"
)


def _parse_pdf_date(text: str) -> datetime | None:
    match = _PDF_DATE.match(text.strip())
    if not match:
        return None
    year, month, day, hour, minute, second, sign, tz_h, tz_m = match.groups()
    moment = datetime(
        int(year),
        int(month or 1),
        int(day or 1),
        int(hour or 0),
        int(minute or 0),
        int(second or 0),
    )
    if sign in ("Z", "z"):
        return moment.replace(tzinfo=UTC)
    if sign:
        offset = timedelta(hours=int(tz_h or 0), minutes=int(tz_m or 0))
        return moment.replace(tzinfo=timezone(offset if sign == "+" else -offset))
    return moment


def _parse_xmp_date(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        return None


def _same_instant(a: datetime | None, b: datetime | None) -> bool:
    """Equal to the second. One second of slack: PDF dates have no fractions,
    and pyHanko reads the clock twice (Info, then XMP) when it signs."""
    if a is None or b is None:
        return False
    if (a.tzinfo is None) != (b.tzinfo is None):
        a, b = a.replace(tzinfo=None), b.replace(tzinfo=None)
    return abs((a - b).total_seconds()) <= 1


# --- pages, resources, fonts, annotations --------------------------------------

_ANNOTATION_TYPES = {
    "/Text", "/Link", "/FreeText", "/Line", "/Square", "/Circle", "/Polygon", "/PolyLine",
    "/Highlight", "/Underline", "/Squiggly", "/StrikeOut", "/Stamp", "/Caret", "/Ink",
    "/Popup", "/FileAttachment", "/Widget", "/PrinterMark", "/TrapNet", "/Watermark", "/Redact",
}  # fmt: skip
_BLEND_MODES = {
    "/Normal", "/Compatible", "/Multiply", "/Screen", "/Overlay", "/Darken", "/Lighten",
    "/ColorDodge", "/ColorBurn", "/HardLight", "/SoftLight", "/Difference", "/Exclusion",
    "/Hue", "/Saturation", "/Color", "/Luminosity",
}  # fmt: skip
_FONT_TYPES = {
    "/Type1",
    "/MMType1",
    "/TrueType",
    "/Type3",
    "/Type0",
    "/CIDFontType0",
    "/CIDFontType2",
}
_STANDARD_CMAPS_PREFIXES = ("Identity-", "Uni", "GB", "B5", "HKscs", "ETen", "CNS", "KSC")
_DEVICE_NEEDS = {"/DeviceRGB": "RGB ", "/DeviceCMYK": "CMYK"}
_COLOUR_OPERATORS = {"rg": "/DeviceRGB", "RG": "/DeviceRGB", "k": "/DeviceCMYK", "K": "/DeviceCMYK"}


class _Walker:
    """Walks pages, their resources, content streams and annotations once each."""

    def __init__(self, report: _Report, output_cs: str | None) -> None:
        self.report = report
        self.output_cs = output_cs
        self.seen: set[tuple[int, int]] = set()

    def _first_visit(self, obj: pikepdf.Object) -> bool:
        if not obj.is_indirect:
            return True
        if obj.objgen in self.seen:
            return False
        self.seen.add(obj.objgen)
        return True

    def check_pages(self, pdf: pikepdf.Pdf) -> None:
        for number, page in enumerate(pdf.pages, 1):
            where = f"page {number}"
            obj = page.obj
            if "/AA" in obj:
                self.report.add("6.5.2", f"{where} has additional actions (/AA)")
            if "/PresSteps" in obj:
                self.report.add("6.10", f"{where} has /PresSteps")
            for box in ("/MediaBox", "/CropBox", "/BleedBox", "/TrimBox", "/ArtBox"):
                self._check_box(_inherited(obj, box), f"{where} {box[1:]}")
            resources_dict = _inherited(obj, "/Resources")
            self.check_resources(resources_dict, where)
            with contextlib.suppress(pikepdf.PdfError):
                self.check_content(pikepdf.parse_content_stream(page), resources_dict, where)
            for annot in obj.get("/Annots", pikepdf.Array()):
                if isinstance(annot, pikepdf.Dictionary) and self._first_visit(annot):
                    self.check_annotation(annot, where)

    def _check_box(self, box: pikepdf.Object | None, where: str) -> None:
        if not isinstance(box, pikepdf.Array) or len(box) != 4:
            return
        x0, y0, x1, y1 = (float(v) for v in box)
        if not (3 <= abs(x1 - x0) <= 14400 and 3 <= abs(y1 - y0) <= 14400):
            self.report.add(
                "6.1.13", f"{where} is {abs(x1 - x0):.1f}×{abs(y1 - y0):.1f}, outside 3–14400"
            )

    def check_resources(self, res: pikepdf.Object | None, where: str, depth: int = 0) -> None:
        if not isinstance(res, pikepdf.Dictionary) or depth > 16:
            return
        for font in res.get("/Font", pikepdf.Dictionary()).values():
            if isinstance(font, pikepdf.Dictionary) and self._first_visit(font):
                self.check_font(font, where)
        for gs in res.get("/ExtGState", pikepdf.Dictionary()).values():
            if isinstance(gs, pikepdf.Dictionary):
                self._check_ext_gstate(gs, where)
        has_default_rgb = "/DefaultRGB" in res.get("/ColorSpace", pikepdf.Dictionary())
        for space in res.get("/ColorSpace", pikepdf.Dictionary()).values():
            self.check_colour_space(space, where, has_default_rgb)
        for xobject in res.get("/XObject", pikepdf.Dictionary()).values():
            if isinstance(xobject, pikepdf.Stream) and self._first_visit(xobject):
                self._check_xobject(xobject, where, depth)

    def _check_ext_gstate(self, gs: pikepdf.Dictionary, where: str) -> None:
        if "/TR" in gs:
            self.report.add("6.2.5", f"{where}: an ExtGState has /TR")
        if "/TR2" in gs and str(gs.TR2) != "/Default":
            self.report.add("6.2.5", f"{where}: an ExtGState has /TR2 other than /Default")
        if "/HTP" in gs:
            self.report.add("6.2.5", f"{where}: an ExtGState has /HTP")
        modes = gs.get("/BM")
        for mode in modes if isinstance(modes, pikepdf.Array) else [modes] if modes else []:
            if str(mode) not in _BLEND_MODES:
                self.report.add("6.2.10", f"{where}: blend mode {mode} is not in ISO 32000-1")

    def check_colour_space(
        self, space: pikepdf.Object | None, where: str, defaulted: bool = False
    ) -> None:
        """Device colour spaces need a matching output intent; ICC profiles a valid header."""
        if space is None:
            return
        if isinstance(space, pikepdf.Name):
            needed = _DEVICE_NEEDS.get(str(space))
            if needed and self.output_cs != needed and not (defaulted and needed == "RGB "):
                self.report.add(
                    "6.2.4.3",
                    f"{where} uses {space} but the PDF/A output intent is {self.output_cs or 'missing'}",
                )
            elif str(space) == "/DeviceGray" and self.output_cs is None:
                self.report.add(
                    "6.2.4.3", f"{where} uses /DeviceGray without a PDF/A output intent"
                )
            return
        if not isinstance(space, pikepdf.Array) or len(space) == 0:
            return
        family = str(space[0])
        if family == "/ICCBased" and len(space) > 1 and isinstance(space[1], pikepdf.Stream):
            if self._first_visit(space[1]):
                _check_icc(space[1], self.report, "6.2.4.2", output=False)
        elif family == "/Indexed" and len(space) > 1:
            self.check_colour_space(space[1], where, defaulted)
        elif family in ("/Separation", "/DeviceN") and len(space) > 2:
            self.check_colour_space(space[2], where, defaulted)

    def _check_xobject(self, xobject: pikepdf.Stream, where: str, depth: int) -> None:
        subtype = str(xobject.get("/Subtype", ""))
        if subtype == "/PS":
            self.report.add("6.2.9", f"{where} has a PostScript XObject")
        elif subtype == "/Image":
            if xobject.get("/Interpolate") is True:
                self.report.add("6.2.8", f"{where}: an image has /Interpolate true")
            for key in ("/Alternates", "/OPI"):
                if key in xobject:
                    self.report.add("6.2.8", f"{where}: an image has {key}")
            if not xobject.get("/ImageMask", False):
                self.check_colour_space(xobject.get("/ColorSpace"), where)
        elif subtype == "/Form":
            for key in ("/OPI", "/PS", "/Ref"):
                if key in xobject:
                    self.report.add("6.2.9", f"{where}: a form XObject has {key}")
            if str(xobject.get("/Subtype2", "")) == "/PS":
                self.report.add("6.2.9", f"{where}: a form XObject has /Subtype2 /PS")
            self.check_form(xobject, where, depth + 1)

    def check_form(self, form: pikepdf.Stream, where: str, depth: int = 0) -> None:
        res = form.get("/Resources")
        self.check_resources(res, where, depth)
        with contextlib.suppress(pikepdf.PdfError):
            self.check_content(pikepdf.parse_content_stream(form), res, where)

    def check_content(self, instructions: list, res: pikepdf.Object | None, where: str) -> None:
        """Device colours set by operators (rg, k, cs …) and inline images."""
        spaces = (
            res.get("/ColorSpace", pikepdf.Dictionary())
            if isinstance(res, pikepdf.Dictionary)
            else {}
        )
        defaulted = "/DefaultRGB" in spaces
        for instruction in instructions:
            if isinstance(instruction, pikepdf.ContentStreamInlineImage):
                self._check_inline_image(instruction.iimage, where)
                continue
            operator = str(instruction.operator)
            if operator in _COLOUR_OPERATORS:
                self.check_colour_space(pikepdf.Name(_COLOUR_OPERATORS[operator]), where, defaulted)
            elif operator in ("cs", "CS") and instruction.operands:
                name = instruction.operands[0]
                if str(name) in _DEVICE_NEEDS or str(name) == "/DeviceGray":
                    self.check_colour_space(name, where, defaulted)

    def _check_inline_image(self, image: pikepdf.PdfInlineImage, where: str) -> None:
        with contextlib.suppress(Exception):
            obj = image.obj
            if obj.get("/I", obj.get("/Interpolate")) is True:
                self.report.add("6.2.8", f"{where}: an inline image has /Interpolate true")
            filters = obj.get("/F", obj.get("/Filter"))
            for name in (
                filters if isinstance(filters, pikepdf.Array) else [filters] if filters else []
            ):
                if str(name) in ("/LZW", "/LZWDecode", "/Crypt"):
                    self.report.add("6.1.10", f"{where}: an inline image uses {name}")
            space = obj.get("/CS", obj.get("/ColorSpace"))
            aliases = {"/RGB": "/DeviceRGB", "/CMYK": "/DeviceCMYK", "/G": "/DeviceGray"}
            if isinstance(space, pikepdf.Name):
                self.check_colour_space(pikepdf.Name(aliases.get(str(space), str(space))), where)

    def check_font(self, font: pikepdf.Dictionary, where: str) -> None:
        subtype = str(font.get("/Subtype", ""))
        name = str(font.get("/BaseFont", "")).lstrip("/") or "(unnamed)"
        label = f"{where}: font {name}"
        if font.get("/Type") != pikepdf.Name.Font or subtype not in _FONT_TYPES:
            self.report.add(
                "6.2.11.2", f"{label} has type {font.get('/Type')} {subtype or '(none)'}"
            )
            return
        if subtype == "/Type3":
            return
        if subtype == "/Type0":
            self._check_type0(font, label)
            return
        self._check_embedded(font, subtype, label)

    def _check_type0(self, font: pikepdf.Dictionary, label: str) -> None:
        encoding = font.get("/Encoding")
        if isinstance(encoding, pikepdf.Name) and not str(encoding)[1:].startswith(
            _STANDARD_CMAPS_PREFIXES
        ):
            self.report.add(
                "6.2.11.3", f"{label} uses CMap {encoding}, neither embedded nor standard"
            )
        descendants = font.get("/DescendantFonts")
        if not isinstance(descendants, pikepdf.Array) or len(descendants) != 1:
            self.report.add("6.2.11.2", f"{label} has no descendant CIDFont")
            return
        cid_font = descendants[0]
        subtype = str(cid_font.get("/Subtype", ""))
        if subtype not in ("/CIDFontType0", "/CIDFontType2"):
            self.report.add("6.2.11.2", f"{label} has a descendant of type {subtype or '(none)'}")
            return
        if subtype == "/CIDFontType2" and "/CIDToGIDMap" not in cid_font:
            self.report.add("6.2.11.3", f"{label} (CIDFontType2) has no /CIDToGIDMap")
        self._check_embedded(cid_font, subtype, label)

    def _check_embedded(self, font: pikepdf.Dictionary, subtype: str, label: str) -> None:
        # Stricter than 6.2.11.4.1, which exempts fonts used only in rendering
        # mode 3: telling that needs every content stream's text state.
        descriptor = font.get("/FontDescriptor")
        files = (
            [k for k in ("/FontFile", "/FontFile2", "/FontFile3") if k in descriptor]
            if isinstance(descriptor, pikepdf.Dictionary)
            else []
        )
        if not files:
            self.report.add("6.2.11.4", f"{label} is not embedded")
            return
        if files[0] == "/FontFile3":
            kind = str(descriptor.FontFile3.get("/Subtype", ""))
            if kind not in ("/Type1C", "/CIDFontType0C", "/OpenType"):
                self.report.add(
                    "6.2.11.2", f"{label} embeds a font program of type {kind or '(none)'}"
                )
        flags = int(descriptor.get("/Flags", 0))
        if subtype == "/TrueType" and flags & 4 and "/Encoding" in font:
            self.report.add("6.2.11.6", f"{label} is a symbolic TrueType font with an /Encoding")

    def check_annotation(self, annot: pikepdf.Dictionary, where: str) -> None:
        subtype = str(annot.get("/Subtype", ""))
        label = f"{where}: a {subtype[1:] or 'untyped'} annotation"
        if subtype not in _ANNOTATION_TYPES:
            self.report.add("6.3.1", f"{label} is not allowed")
        if subtype != "/Popup":
            flags = annot.get("/F")
            if flags is None:
                self.report.add("6.3.2", f"{label} has no /F flags")
            elif (int(flags) & 4) == 0 or int(flags) & (1 | 2 | 32 | 256):
                self.report.add("6.3.2", f"{label} is not printable or is hidden (/F {int(flags)})")
        rect = annot.get("/Rect")
        zero = (
            isinstance(rect, pikepdf.Array)
            and len(rect) == 4
            and rect[0] == rect[2]
            and rect[1] == rect[3]
        )
        appearance = annot.get("/AP")
        if appearance is None and not zero and subtype not in ("/Popup", "/Link"):
            self.report.add("6.3.3", f"{label} has no appearance stream")
        if isinstance(appearance, pikepdf.Dictionary):
            self._check_appearance(annot, appearance, subtype, label)
        if subtype == "/Widget" and ("/A" in annot or "/AA" in annot):
            self.report.add("6.4.1", f"{label} has an action (/A or /AA)")
        else:
            _check_action(annot.get("/A"), self.report, label)

    def _check_appearance(
        self, annot: pikepdf.Dictionary, appearance: pikepdf.Dictionary, subtype: str, label: str
    ) -> None:
        if set(appearance.keys()) != {"/N"}:
            self.report.add("6.3.3", f"{label}'s appearance has keys other than /N")
        normal = appearance.get("/N")
        is_button = subtype == "/Widget" and str(_inherited(annot, "/FT")) == "/Btn"
        streams: list[pikepdf.Object] = []
        if (
            is_button
            and isinstance(normal, pikepdf.Dictionary)
            and not isinstance(normal, pikepdf.Stream)
        ):
            streams = list(normal.values())
        elif isinstance(normal, pikepdf.Stream) and not is_button:
            streams = [normal]
        else:
            self.report.add("6.3.3", f"{label}'s normal appearance has the wrong type")
        for stream in streams:
            if isinstance(stream, pikepdf.Stream) and self._first_visit(stream):
                self.check_form(stream, label)


def _inherited(node: pikepdf.Object | None, key: str) -> pikepdf.Object | None:
    """`key` of a page or form field, looked up through its /Parent chain."""
    for _ in range(32):
        if not isinstance(node, pikepdf.Dictionary):
            return None
        if key in node:
            return node[key]
        node = node.get("/Parent")
    return None


_STANDARD_FILTERS = {
    "/ASCIIHexDecode", "/ASCII85Decode", "/FlateDecode", "/RunLengthDecode",
    "/CCITTFaxDecode", "/JBIG2Decode", "/DCTDecode", "/JPXDecode",
}  # fmt: skip


def _check_streams(pdf: pikepdf.Pdf, report: _Report) -> None:
    """6.1.7: no external stream data, only standard filters, no LZW, Crypt only Identity."""
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Stream):
            continue
        for key in ("/F", "/FFilter", "/FDecodeParms"):
            if key in obj.stream_dict:
                report.add("6.1.7", f"a stream dictionary has {key}")
        filters = obj.stream_dict.get("/Filter")
        names = (
            list(filters) if isinstance(filters, pikepdf.Array) else [filters] if filters else []
        )
        for index, name in enumerate(names):
            if str(name) in _STANDARD_FILTERS:
                continue
            if str(name) == "/Crypt" and _crypt_is_identity(
                obj.stream_dict.get("/DecodeParms"), index
            ):
                continue
            report.add("6.1.7", f"a stream uses the filter {name}")


def _crypt_is_identity(parms: pikepdf.Object | None, index: int) -> bool:
    if isinstance(parms, pikepdf.Array):
        parms = parms[index] if index < len(parms) else None
    return (
        not isinstance(parms, pikepdf.Dictionary)
        or str(parms.get("/Name", "/Identity")) == "/Identity"
    )
