"""PAdES signing of an archival PDF/A-2b file, as an incremental update.

DESIGN.md: convert to PDF/A first, then sign with an incremental update;
nothing may rewrite the file after signing. `sign_pdf` appends one revision
(signature field + widget + signature) to the bytes of `src` and, for B-LT and
B-LTA, pyHanko appends the DSS (and the document time-stamp) in a second
revision. The original revision is kept byte for byte, so the PDF/A-2b
conformance of the converted file carries over as long as what we add is
PDF/A-clean (ISO 19005-2):

* the widget has the Print flag and a normal appearance stream only (§6.3.3);
* the appearance uses an embedded font subset (§6.2.11.4) with widths taken
  from the font program (§6.2.11.5), black DeviceGray text, no image, no
  ExtGState transparency (§6.4): pyHanko's stamp background is not used;
* no JavaScript, no NeedAppearances.

Levels (ETSI EN 319 142-1 baseline): B-B without TSA; B-T adds an RFC 3161
signature time-stamp from `tsa_url`; B-LT adds the DSS with the chain, OCSP
responses and CRLs; B-LTA adds a document time-stamp over the DSS. Default:
B-LTA when a TSA is configured, else B-B.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import logging
import re
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

from asn1crypto import tsp
from pyhanko.pdf_utils import generic, layout
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.metadata.model import VENDOR
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.sign.signers.pdf_signer import PdfSigningSession, _ensure_esic_ext
from pyhanko.sign.timestamps.api import TimeStamper
from pyhanko.sign.timestamps.common_utils import TimestampRequestError, set_tsp_headers
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator import ValidationContext

from sohoa.archive.fsutil import atomic_write
from sohoa.errors import InputError, PdfError, ServiceUnavailable, SigningError, SohoaError
from sohoa.models import SignedPdf
from sohoa.signing.appearance import (
    PADDING,
    Placement,
    SignatureFontFactory,
    font_path,
    missing_glyphs,
    place_box,
    stamp_lines,
)
from sohoa.signing.signer import SIGNING_KEY_USAGES, SigningIdentity, check_certificate
from sohoa.xmp import SOHOA_NS, SOHOA_PREFIX

log = logging.getLogger(__name__)
# fontTools warns on stderr for every subset that it drops Liberation's FFTM
# table (a FontForge timestamp no PDF reader uses): noise for a clerk.
logging.getLogger("fontTools.subset").setLevel(logging.ERROR)

LEVELS = ("B-B", "B-T", "B-LT", "B-LTA")
FIELD_PREFIX = "SohoaSignature"
TSA_TIMEOUT = 30.0


def default_level(tsa_url: str | None) -> str:
    """B-LTA when a TSA is configured (archives keep signatures verifiable), else B-B."""
    return "B-LTA" if tsa_url else "B-B"


def resolve_level(level: str | None, tsa_url: str | None) -> str:
    """Check the requested level against what is configured."""
    chosen = (level or default_level(tsa_url)).upper()
    if chosen not in LEVELS:
        raise SigningError(
            f"Unknown PAdES level {level!r}.", hint=f"use one of {', '.join(LEVELS)}"
        )
    if chosen != "B-B" and not tsa_url:
        raise SigningError(
            f"PAdES {chosen} needs a time-stamp authority.",
            hint="set [signing] tsa_url (or $SOHOA_TSA_URL), or sign at level B-B",
        )
    return chosen


class UrllibTimeStamper(TimeStamper):
    """RFC 3161 client over HTTP(S) with the standard library.

    pyHanko's own HTTP time-stampers need `requests` or an aiohttp session
    bound to an event loop; urllib in a worker thread needs neither.
    """

    def __init__(self, url: str, *, timeout: float = TSA_TIMEOUT) -> None:
        super().__init__()
        self.url = url
        self.timeout = timeout

    async def async_request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
        def post() -> tsp.TimeStampResp:
            request = urllib.request.Request(
                self.url, data=req.dump(), headers=set_tsp_headers({}), method="POST"
            )
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as resp:
                    ctype = resp.headers.get("Content-Type", "")
                    body = resp.read()
            except (OSError, urllib.error.URLError) as exc:
                raise TimestampRequestError(
                    f"cannot reach the time-stamp authority {self.url}: {exc}"
                ) from exc
            if ctype.split(";")[0].strip() != "application/timestamp-reply":
                raise TimestampRequestError(
                    f"{self.url} did not answer with a time-stamp reply ({ctype or 'no type'})"
                )
            return tsp.TimeStampResp.load(body)

        return await asyncio.to_thread(post)


def _causes(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def signing_failure(exc: BaseException, src: Path, level: str) -> SohoaError:
    """Whose fault a failed signature is: a service or the token (exit 5), else the document.

    A time-stamp authority that does not answer, OCSP/CRL data that cannot be
    fetched for B-LT, or a token that went away is the environment's fault:
    the input is kept for a retry and never quarantined (issue 9).
    """
    causes = list(_causes(exc))
    names = {type(c).__name__ for c in causes}
    if "RevokedError" in names:
        return SigningError(
            f"the signing certificate is revoked: {causes[-1]}",
            hint="configure the agency's current certificate",
        )
    for cause in causes:
        module = type(cause).__module__ or ""
        if isinstance(cause, TimestampRequestError | OSError | TimeoutError):
            return ServiceUnavailable(
                f"signing at PAdES {level} failed: the time-stamp authority did not answer "
                f"({cause})",
                hint="check the network and [signing] tsa_url, then run the same command again",
            )
        if module.startswith("pkcs11") or "PKCS11" in type(cause).__name__:
            return ServiceUnavailable(
                f"signing failed: the PKCS#11 token refused or went away ({cause})",
                hint="check that the token is plugged in and the PIN is right, then run again",
            )
    if "InsufficientRevinfoError" in names and level in ("B-LT", "B-LTA"):
        return ServiceUnavailable(
            f"signing at PAdES {level} failed: the validation data (OCSP/CRL) of the signing "
            f"certificate could not be collected ({causes[-1]})",
            hint="check that the CA's OCSP/CRL services are reachable, then run again",
        )
    if any((type(c).__module__ or "").startswith("pyhanko_certvalidator") for c in causes):
        return SigningError(
            f"the signing certificate cannot be validated for PAdES {level}: {causes[-1]}",
            hint="the .p12 file or the token must carry the certificate's chain; check the "
            "trust anchors",
        )
    detail = f"{type(exc).__name__}: {exc}"
    return PdfError(f"{src}: signing at PAdES {level} failed: {detail}")


def probe_tsa(url: str, *, timeout: float = 15.0) -> None:
    """Ask `url` for one time-stamp, as signing will; ServiceUnavailable when it does not give one.

    Run once before a batch whose level needs a time-stamp, so an unreachable
    TSA is reported before any page is read, not after an hour of OCR.
    """
    stamper = UrllibTimeStamper(url, timeout=timeout)
    digest = hashlib.sha256(b"sohoa: time-stamp authority probe").digest()
    try:
        asyncio.run(stamper.async_timestamp(digest, "sha256"))
    except Exception as exc:
        raise ServiceUnavailable(
            f"the time-stamp authority {url} does not give time-stamps: {exc}",
            hint="check the network and [signing] tsa_url ($SOHOA_TSA_URL), or sign at level B-B",
        ) from None


class _TimedPdfSigner(signers.PdfSigner):
    """PdfSigner whose claimed signing time (/M and the stamp) can be set.

    pyHanko takes "now" when the session starts; sohoa shows the same instant
    in the visible stamp and in /M, and tests need a fixed clock.
    """

    def __init__(self, *args: object, signing_time: datetime, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._signing_time = signing_time

    def register_extensions(self, pdf_out, *, md_algorithm: str) -> None:  # type: ignore[no-untyped-def,override]
        """Declare only the ESIC (PAdES) extension, never PDF 2.0.

        pyHanko 0.38 declares ISO 32002 and bumps the catalog /Version to 2.0
        whenever the key is ECDSA on a NIST/Brainpool curve. Our files are
        PDF/A-2b, which is built on ISO 32000-1 (PDF 1.7): a 2.0 version
        claim contradicts the conformance the archive promises (ISO 19005-2
        §6.1.2), while ECDSA signatures validate in PDF 1.7 readers anyway.
        """
        if self.signature_meta.subfilter == fields.SigSeedSubFilter.PADES:
            _ensure_esic_ext(pdf_out)

    def init_signing_session(self, pdf_out, existing_fields_only=False) -> PdfSigningSession:  # type: ignore[no-untyped-def]
        session = super().init_signing_session(pdf_out, existing_fields_only)
        session.system_time = self._signing_time
        return session


def _agency_from_certificate(identity: SigningIdentity) -> str:
    subject = identity.certificate.subject.native
    return subject.get("organization_name") or subject.get("common_name") or "—"


def _page_box(reader: PdfFileReader) -> tuple[float, float, float, float]:
    page = reader.root["/Pages"]
    # walk to the first leaf page, inheriting MediaBox/CropBox (ISO 32000 §7.7.3.4)
    inherited: dict[str, object] = {}
    node = page
    while True:
        for key in ("/MediaBox", "/CropBox", "/Rotate"):
            if key in node:
                inherited[key] = node[key]
        if node.get("/Type") == "/Page" or "/Kids" not in node:
            break
        node = node["/Kids"][0].get_object()
    if inherited.get("/Rotate", 0) not in (0, None):
        # our PDF/A writer never rotates pages; a rotated page would need the
        # box placed in rotated user space, which we do not support
        raise PdfError(
            "Page 1 is rotated; sohoa places the visible signature on unrotated pages only."
        )
    box = inherited.get("/CropBox") or inherited.get("/MediaBox")
    if box is None:
        raise PdfError("Page 1 has no MediaBox.")
    x0, y0, x1, y1 = (float(v) for v in box)  # type: ignore[union-attr]
    return (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))


def _field_name(reader: PdfFileReader) -> str:
    from pyhanko.sign.fields import enumerate_sig_fields

    taken = {name for name, _value, _ref in enumerate_sig_fields(reader)}
    n = 1
    while f"{FIELD_PREFIX}{n}" in taken:
        n += 1
    return f"{FIELD_PREFIX}{n}"


def _stamp_style(font_size: int) -> TextStampStyle:
    text_style = TextBoxStyle(
        font=SignatureFontFactory(str(font_path()), font_size=font_size),
        font_size=font_size,
        leading=round(font_size * 1.15),
        border_width=0,
        # pyHanko's default puts a 10 pt margin around the text; the stamp's
        # own layout below already pads it
        box_layout_rule=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MIN,
            y_align=layout.AxisAlignment.ALIGN_MIN,
            margins=layout.Margins(),
        ),
        # text_color None: default black fill (DeviceGray 0), no colour space to declare
    )
    return TextStampStyle(
        stamp_text="%(copy_type)s\n%(agency)s\n%(when)s",
        text_box_style=text_style,
        border_width=0,  # Phụ lục I shows no frame
        background=None,  # no image (and no /CA transparency, ISO 19005-2 §6.4)
        inner_content_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MIN,
            y_align=layout.AxisAlignment.ALIGN_MAX,
            margins=layout.Margins.uniform(int(PADDING)),
            # never overflow the box computed from the font metrics
            inner_content_scaling=layout.InnerScaling.SHRINK_TO_FIT,
        ),
    )


def _validation_context(identity: SigningIdentity, at: datetime) -> ValidationContext:
    """Context used while signing to gather the chain, OCSP and CRLs for the DSS.

    The configured roots are trusted, plus any self-signed certificate that
    came with the identity (PKCS#12 chain, token): this context only collects
    validation data, it passes no judgement a verifier relies on.
    """
    roots = list(identity.trust_roots)
    roots += [c for c in identity.chain if c.self_signed == "maybe" or c.self_signed == "yes"]
    return ValidationContext(
        trust_roots=roots,
        other_certs=list(identity.chain),
        allow_fetching=True,
        revocation_mode="hard-fail",
        moment=at,
    )


def sign_pdf(
    src: Path,
    dst: Path,
    identity: SigningIdentity,
    *,
    agency_name: str | None,
    copy_type: str = "SAO Y",
    tsa_url: str | None = None,
    level: str | None = None,
    signing_time: datetime | None = None,
    occupied: Sequence[tuple[float, float, float, float]] = (),
    reserve: int | None = None,
) -> SignedPdf:
    """Sign `src` (PDF/A-2b) into `dst` with a visible PAdES signature; `src` is untouched.

    The visible mark goes where it covers none of the `occupied` boxes (page 1,
    points); when there is no such place the signature has no visible mark
    and `SignedPdf.no_visible_mark` says why.

    `reserve`: the space for the signature container, from `SignedPdf.reserved`
    of an earlier signature by the same identity at the same level. Without it
    pyHanko sizes the container by signing a dummy first (a fifth of the time of
    a B-B signature); its estimate keeps a 50% margin, which the next documents
    reuse, so that a container a few bytes longer still fits.

    Raises SigningError before writing anything when the certificate may not
    sign (key usage, validity), the level needs a TSA that is not configured,
    or the TSA/OCSP/CRL services cannot be reached; InputError when `src` is
    not a PDF.
    """
    chosen = resolve_level(level, tsa_url)
    when = (signing_time or datetime.now(UTC)).replace(microsecond=0)
    if when.tzinfo is None:
        raise SigningError("signing_time must be timezone-aware")
    check_certificate(identity.certificate, when)

    try:
        data = src.read_bytes()
    except OSError as exc:
        raise InputError(src, f"cannot read: {exc.strerror}") from None
    if not data.lstrip()[:5] == b"%PDF-":
        raise InputError(src, "not a PDF file")
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(data))
        _align_producer(writer)
        reader = writer.prev
        page = _page_box(reader)
        field_name = _field_name(reader)
    except SigningError:
        raise
    except Exception as exc:
        raise InputError(src, f"unreadable PDF ({type(exc).__name__}: {exc})") from None

    agency = (agency_name or _agency_from_certificate(identity)).strip()
    lines = stamp_lines(copy_type, agency, when)
    if missing := missing_glyphs("".join(lines)):
        raise SigningError(
            f"The signature font cannot draw {missing!r} in the visible signature.",
            hint="write the agency name in Vietnamese letters (Unicode NFC)",
        )
    placement: Placement = place_box(page, lines, occupied)
    if placement.rect is None:
        log.warning("%s: %s; signed without a visible mark", src, placement.reason)

    timestamper = UrllibTimeStamper(tsa_url) if chosen != "B-B" and tsa_url else None
    long_term = chosen in ("B-LT", "B-LTA")
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=f"{copy_type} — bản số hóa",
        embed_validation_info=long_term,
        use_pades_lta=chosen == "B-LTA",
        validation_context=_validation_context(identity, when) if long_term else None,
        signer_key_usage=set(SIGNING_KEY_USAGES),
    )
    spec = fields.SigFieldSpec(
        sig_field_name=field_name,
        on_page=0,
        box=placement.rect,  # type: ignore[arg-type]  # floats are fine in /Rect
    )
    pdf_signer = _TimedPdfSigner(
        meta,
        identity.signer,
        timestamper=timestamper,
        stamp_style=_stamp_style(placement.font_size) if placement.rect else None,
        new_field_spec=spec,
        signing_time=when,
    )
    out = io.BytesIO()
    try:
        pdf_signer.sign_pdf(
            writer,
            bytes_reserved=reserve,
            output=out,
            appearance_text_params={
                "copy_type": lines[0],
                "agency": lines[1],
                "when": lines[2],
            },
        )
    except SigningError:
        raise
    except Exception as exc:
        if reserve is not None and "larger than expected" in str(exc):
            # The container outgrew the space an earlier one needed (a TSA's new chain):
            # let pyHanko size it again.
            return sign_pdf(
                src, dst, identity, agency_name=agency_name, copy_type=copy_type,
                tsa_url=tsa_url, level=level, signing_time=when, occupied=occupied,
            )  # fmt: skip
        raise signing_failure(exc, src, chosen) from exc

    signed = out.getvalue()
    atomic_write(dst, signed)
    return SignedPdf(
        path=dst,
        signing_time=when.astimezone(UTC),
        level=chosen,
        signer_subject=identity.certificate.subject.human_friendly,
        no_visible_mark=placement.reason,
        reserved=_reserved(signed, len(data)),
    )


_BYTE_RANGE = re.compile(rb"/ByteRange\s*\[\s*0\s+(\d+)\s+(\d+)\s+\d+\s*\]")


def _reserved(signed: bytes, start: int) -> int | None:
    """The hex digits the signature appended after byte `start` keeps for its container:
    the gap its /ByteRange leaves, less the `<` and `>` around /Contents."""
    found = _BYTE_RANGE.search(signed, start)
    return int(found.group(2)) - int(found.group(1)) - 2 if found else None


def _register_xmp_prefix() -> None:
    """Have pyHanko write our XMP fields as `sohoa:…`, the prefix our PDF/A
    extension schema declares, rather than a generated `ns0:`."""
    from pyhanko.pdf_utils.metadata import model as xmp_model
    from pyhanko.pdf_utils.metadata import xmp_xml

    xmp_model.NS.setdefault(SOHOA_PREFIX, SOHOA_NS)
    xmp_xml.register_namespaces()


_register_xmp_prefix()


def _align_producer(writer: IncrementalPdfFileWriter) -> None:
    """Make Info /Producer what pyHanko will write into the XMP.

    pyHanko appends itself to Info /Producer ("sohoa 0.1.0; pyHanko 0.38.0")
    but writes only "pyHanko 0.38.0" into XMP pdf:Producer; PDF/A asks the two
    to agree (ISO 19005-1 6.7.3, kept by our check), so the producer of the
    signed revision is pyHanko in both. xmp:CreatorTool still names sohoa.
    """
    info_ref = getattr(writer, "_info", None)
    if info_ref is None:
        return
    info = info_ref.get_object()
    if str(info.get("/Producer", "")) != VENDOR:
        info["/Producer"] = generic.TextStringObject(VENDOR)
        writer.mark_update(info_ref)
