"""XMP namespaces sohoa writes and checks, in one place (ISO 16684-1, PDF/A-2 §6.6)."""

from __future__ import annotations

#: XMP namespace of the Nghị định 30/2020 Phụ lục VI fields. A URN: the
#: project owns no domain, and an archived file keeps this name forever.
SOHOA_NS = "urn:sohoa:nd30:1.0/"
SOHOA_PREFIX = "sohoa"

NS = {
    "x": "adobe:ns:meta/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "xml": "http://www.w3.org/XML/1998/namespace",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
    "pdfaExtension": "http://www.aiim.org/pdfa/ns/extension/",
    "pdfaSchema": "http://www.aiim.org/pdfa/ns/schema#",
    "pdfaProperty": "http://www.aiim.org/pdfa/ns/property#",
    SOHOA_PREFIX: SOHOA_NS,
}
